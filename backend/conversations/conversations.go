// Package conversations reads and edits conversations for the window: each
// method checks its arguments with [guard] before it reaches the store or
// the chat engine, so the window's bound methods only pass calls on.
package conversations

import (
	"context"
	"encoding/base64"

	"brook/backend/chat"
	"brook/backend/guard"
	"brook/backend/store"
)

// Service reads and edits conversations.
type Service struct {
	store  *store.Store
	engine *chat.Engine
	// changed is called after an edit that changes the conversation list.
	changed func()
}

// New returns a [Service] over st and engine; changed is called after each
// successful edit of a conversation.
func New(st *store.Store, engine *chat.Engine, changed func()) *Service {
	return &Service{store: st, engine: engine, changed: changed}
}

// View is a conversation with the messages it shows.
type View struct {
	Conversation store.Conversation `json:"conversation"`
	Messages     []store.Message    `json:"messages"`
}

// List returns a page of conversations, pinned first, then newest: limit
// from 1 to guard.MaxPage (0 means that many), offset from 0.
func (s *Service) List(ctx context.Context, archived bool, limit, offset int) ([]store.Conversation, error) {
	limit, err := guard.Page(limit, offset)
	if err != nil {
		return nil, err
	}
	return s.store.ListConversations(ctx, store.ListOptions{Archived: archived, Limit: limit, Offset: offset})
}

// Open returns a conversation and the messages it shows.
func (s *Service) Open(ctx context.Context, id int64) (View, error) {
	if err := guard.ID("conversation", id); err != nil {
		return View{}, err
	}
	c, err := s.store.GetConversation(ctx, id)
	if err != nil {
		return View{}, err
	}
	msgs, err := s.engine.ShownPath(ctx, id)
	return View{Conversation: c, Messages: msgs}, err
}

// ShowVersion shows version id of its message and returns the path the
// conversation shows from that message down.
func (s *Service) ShowVersion(ctx context.Context, id int64) ([]store.Message, error) {
	if err := guard.ID("message", id); err != nil {
		return nil, err
	}
	return s.engine.ShowVersion(ctx, id)
}

// DeleteVersion deletes version id with what follows it; it returns how
// many messages went.
func (s *Service) DeleteVersion(ctx context.Context, id int64) (int, error) {
	if err := guard.ID("message", id); err != nil {
		return 0, err
	}
	return s.engine.DeleteVersion(ctx, id)
}

// DeleteMessage removes a message with all its versions; what follows the
// shown one stays. It returns how many messages went.
func (s *Service) DeleteMessage(ctx context.Context, id int64) (int, error) {
	if err := guard.ID("message", id); err != nil {
		return 0, err
	}
	return s.engine.DeleteMessage(ctx, id)
}

// ImageData returns an image stored with a message as a data: URL.
func (s *Service) ImageData(ctx context.Context, id int64) (string, error) {
	if err := guard.ID("image", id); err != nil {
		return "", err
	}
	img, err := s.store.ImageData(ctx, id)
	if err != nil {
		return "", err
	}
	return "data:" + img.MIME + ";base64," + base64.StdEncoding.EncodeToString(img.Data), nil
}

// Message returns one message as the window shows it, an answer still
// being written included.
func (s *Service) Message(ctx context.Context, id int64) (store.Message, error) {
	if err := guard.ID("message", id); err != nil {
		return store.Message{}, err
	}
	return s.engine.Message(ctx, id)
}

// Rename sets a conversation's title.
func (s *Service) Rename(ctx context.Context, id int64, title string) error {
	return s.edit(id, guard.Title(title), func() error { return s.store.RenameConversation(ctx, id, title) })
}

// SetPinned pins a conversation to the top of the list, or unpins it.
func (s *Service) SetPinned(ctx context.Context, id int64, pinned bool) error {
	return s.edit(id, nil, func() error { return s.store.SetPinned(ctx, id, pinned) })
}

// SetArchived moves a conversation to the archive or back.
func (s *Service) SetArchived(ctx context.Context, id int64, archived bool) error {
	return s.edit(id, nil, func() error { return s.store.SetArchived(ctx, id, archived) })
}

// Delete moves a conversation to the trash, from where Restore brings it back.
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.edit(id, nil, func() error { return s.store.DeleteConversation(ctx, id) })
}

// Restore brings a conversation back from the trash.
func (s *Service) Restore(ctx context.Context, id int64) error {
	return s.edit(id, nil, func() error { return s.store.RestoreConversation(ctx, id) })
}

// SetModel sets the endpoint and model a conversation's next answer uses.
func (s *Service) SetModel(ctx context.Context, id int64, endpointID, model string) error {
	return s.edit(id, guard.Selection(endpointID, model), func() error { return s.store.SetConversationModel(ctx, id, endpointID, model) })
}

// SetSystemPrompt sets a conversation's system prompt.
func (s *Service) SetSystemPrompt(ctx context.Context, id int64, prompt string) error {
	return s.edit(id, guard.SystemPrompt(prompt), func() error { return s.store.SetSystemPrompt(ctx, id, prompt) })
}

// SetParams sets a conversation's model parameters.
func (s *Service) SetParams(ctx context.Context, id int64, p store.Params) error {
	return s.edit(id, nil, func() error { return s.store.SetParams(ctx, id, p) })
}

// SaveDraft keeps the text typed but not sent in a conversation.
func (s *Service) SaveDraft(ctx context.Context, id int64, text string) error {
	if err := guard.First(guard.ID("conversation", id), guard.Draft(text)); err != nil {
		return err
	}
	return s.store.SaveDraft(ctx, id, text)
}

// Search finds messages by full text, best first.
func (s *Service) Search(ctx context.Context, query string) ([]store.SearchHit, error) {
	if err := guard.Search(query); err != nil {
		return nil, err
	}
	return s.store.Search(ctx, query, 50)
}

// edit checks the conversation id and check (the other arguments' check),
// then runs fn and, when it worked, says the list changed.
func (s *Service) edit(id int64, check error, fn func() error) error {
	if err := guard.First(guard.ID("conversation", id), check); err != nil {
		return err
	}
	err := fn()
	if err == nil && s.changed != nil {
		s.changed()
	}
	return err
}
