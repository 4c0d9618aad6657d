package app

import (
	"encoding/base64"

	"brook/backend/events"
	"brook/backend/guard"
	"brook/backend/store"
)

// ConversationService reads and edits conversations.
type ConversationService struct{ a *App }

// ConversationView is a conversation with its messages.
type ConversationView struct {
	Conversation store.Conversation `json:"conversation"`
	Messages     []store.Message    `json:"messages"`
}

// List returns a page of conversations, pinned first, then newest: limit
// from 1 to guard.MaxPage (0 means that many), offset from 0.
func (s *ConversationService) List(archived bool, limit, offset int) ([]store.Conversation, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	limit, err := guard.Page(limit, offset)
	if err != nil {
		return nil, err
	}
	return s.a.store.ListConversations(s.a.ctx, store.ListOptions{Archived: archived, Limit: limit, Offset: offset})
}

// Open returns a conversation and all its messages.
func (s *ConversationService) Open(id int64) (ConversationView, error) {
	if err := s.a.ready(); err != nil {
		return ConversationView{}, err
	}
	if err := guard.ID("conversation", id); err != nil {
		return ConversationView{}, err
	}
	c, err := s.a.store.GetConversation(s.a.ctx, id)
	if err != nil {
		return ConversationView{}, err
	}
	msgs, err := s.a.engine.ShownPath(s.a.ctx, id)
	return ConversationView{Conversation: c, Messages: msgs}, err
}

// ShowVersion shows a version of a message in place of the others and
// returns the messages now shown from it down. It is refused while an
// answer of the conversation is being written.
func (s *ConversationService) ShowVersion(id int64) ([]store.Message, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	if err := guard.ID("message", id); err != nil {
		return nil, err
	}
	return s.a.engine.ShowVersion(s.a.ctx, id)
}

// DeleteVersion removes one version of a message and everything that
// follows it, and returns how many messages went.
func (s *ConversationService) DeleteVersion(id int64) (int, error) {
	if err := s.a.ready(); err != nil {
		return 0, err
	}
	if err := guard.ID("message", id); err != nil {
		return 0, err
	}
	return s.a.engine.DeleteVersion(s.a.ctx, id)
}

// ImageData returns an image attached to a message as a data URL
// ("data:image/png;base64,…"), for showing it.
func (s *ConversationService) ImageData(id int64) (string, error) {
	if err := s.a.ready(); err != nil {
		return "", err
	}
	if err := guard.ID("image", id); err != nil {
		return "", err
	}
	img, err := s.a.store.ImageData(s.a.ctx, id)
	if err != nil {
		return "", err
	}
	return "data:" + img.MIME + ";base64," + base64.StdEncoding.EncodeToString(img.Data), nil
}

// GetMessage returns one message as stored, or, while its final write is
// pending, as Brook holds it.
func (s *ConversationService) GetMessage(id int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("message", id); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Message(s.a.ctx, id)
}

func (s *ConversationService) changed(err error) {
	if err == nil {
		s.a.emitter.Emit(events.ConversationsChangedName, 0)
	}
}

// Rename sets a conversation's title.
func (s *ConversationService) Rename(id int64, title string) error {
	return s.edit(id, guard.Title(title), func() error { return s.a.store.RenameConversation(s.a.ctx, id, title) })
}

// SetPinned pins or unpins a conversation.
func (s *ConversationService) SetPinned(id int64, pinned bool) error {
	return s.edit(id, nil, func() error { return s.a.store.SetPinned(s.a.ctx, id, pinned) })
}

// SetArchived archives or unarchives a conversation.
func (s *ConversationService) SetArchived(id int64, archived bool) error {
	return s.edit(id, nil, func() error { return s.a.store.SetArchived(s.a.ctx, id, archived) })
}

// Delete removes a conversation; Restore brings it back for a day.
func (s *ConversationService) Delete(id int64) error {
	return s.edit(id, nil, func() error { return s.a.store.DeleteConversation(s.a.ctx, id) })
}

// Restore undoes Delete.
func (s *ConversationService) Restore(id int64) error {
	return s.edit(id, nil, func() error { return s.a.store.RestoreConversation(s.a.ctx, id) })
}

// SetModel chooses the conversation's model.
func (s *ConversationService) SetModel(id int64, endpointID, model string) error {
	return s.edit(id, guard.Selection(endpointID, model), func() error { return s.a.store.SetConversationModel(s.a.ctx, id, endpointID, model) })
}

// SetSystemPrompt sets the conversation's system prompt.
func (s *ConversationService) SetSystemPrompt(id int64, prompt string) error {
	return s.edit(id, guard.SystemPrompt(prompt), func() error { return s.a.store.SetSystemPrompt(s.a.ctx, id, prompt) })
}

// SetParams sets the conversation's generation parameters; the store checks
// them.
func (s *ConversationService) SetParams(id int64, p store.Params) error {
	return s.edit(id, nil, func() error { return s.a.store.SetParams(s.a.ctx, id, p) })
}

// SaveDraft keeps the composer's text of a conversation.
func (s *ConversationService) SaveDraft(id int64, text string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.First(guard.ID("conversation", id), guard.Draft(text)); err != nil {
		return err
	}
	return s.a.store.SaveDraft(s.a.ctx, id, text)
}

// DeleteMessage removes a message with all its versions; what follows the
// shown one stays. It returns how many messages went.
func (s *ConversationService) DeleteMessage(id int64) (int, error) {
	if err := s.a.ready(); err != nil {
		return 0, err
	}
	if err := guard.ID("message", id); err != nil {
		return 0, err
	}
	return s.a.engine.DeleteMessage(s.a.ctx, id)
}

// Search finds messages by full text, best first.
func (s *ConversationService) Search(query string) ([]store.SearchHit, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	if err := guard.Search(query); err != nil {
		return nil, err
	}
	return s.a.store.Search(s.a.ctx, query, 50)
}

// edit checks the conversation id and check (the other arguments' check),
// then runs fn and tells the UI the list changed.
func (s *ConversationService) edit(id int64, check error, fn func() error) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.First(guard.ID("conversation", id), check); err != nil {
		return err
	}
	err := fn()
	s.changed(err)
	return err
}
