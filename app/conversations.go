package app

import (
	"brook/backend/conversations"
	"brook/backend/guard"
	"brook/backend/store"
)

// ConversationService reads and edits conversations; backend/conversations
// checks the arguments.
type ConversationService struct{ a *App }

// List returns a page of conversations, pinned first, then newest.
func (s *ConversationService) List(archived bool, limit, offset int) ([]store.Conversation, error) {
	return readyGet(s.a, func() ([]store.Conversation, error) { return s.a.conversations.List(s.a.ctx, archived, limit, offset) })
}

// Open returns a conversation and the messages it shows.
func (s *ConversationService) Open(id int64) (conversations.View, error) {
	return readyGet(s.a, func() (conversations.View, error) { return s.a.conversations.Open(s.a.ctx, id) })
}

// ShowVersion shows a version of a message in place of the others and
// returns the messages now shown from it down. It is refused while an
// answer of the conversation is being written.
func (s *ConversationService) ShowVersion(id int64) ([]store.Message, error) {
	return readyGet(s.a, func() ([]store.Message, error) { return s.a.conversations.ShowVersion(s.a.ctx, id) })
}

// DeleteVersion removes one version of a message and everything that
// follows it, and returns how many messages went.
func (s *ConversationService) DeleteVersion(id int64) (int, error) {
	return readyGet(s.a, func() (int, error) { return s.a.conversations.DeleteVersion(s.a.ctx, id) })
}

// ImageData returns an image attached to a message as a data URL
// ("data:image/png;base64,…"), for showing it.
func (s *ConversationService) ImageData(id int64) (string, error) {
	return readyGet(s.a, func() (string, error) { return s.a.conversations.ImageData(s.a.ctx, id) })
}

// GetMessage returns one message as stored, or, while its final write is
// pending, as Brook holds it.
func (s *ConversationService) GetMessage(id int64) (store.Message, error) {
	return readyGet(s.a, func() (store.Message, error) { return s.a.conversations.Message(s.a.ctx, id) })
}

// Rename sets a conversation's title.
func (s *ConversationService) Rename(id int64, title string) error {
	return readyDo(s.a, func() error { return s.a.conversations.Rename(s.a.ctx, id, title) })
}

// SetPinned pins or unpins a conversation.
func (s *ConversationService) SetPinned(id int64, pinned bool) error {
	return readyDo(s.a, func() error { return s.a.conversations.SetPinned(s.a.ctx, id, pinned) })
}

// SetArchived archives or unarchives a conversation.
func (s *ConversationService) SetArchived(id int64, archived bool) error {
	return readyDo(s.a, func() error { return s.a.conversations.SetArchived(s.a.ctx, id, archived) })
}

// Delete removes a conversation; Restore brings it back for a day.
func (s *ConversationService) Delete(id int64) error {
	return readyDo(s.a, func() error { return s.a.conversations.Delete(s.a.ctx, id) })
}

// Restore undoes Delete.
func (s *ConversationService) Restore(id int64) error {
	return readyDo(s.a, func() error { return s.a.conversations.Restore(s.a.ctx, id) })
}

// SetModel chooses the conversation's model.
func (s *ConversationService) SetModel(id int64, endpointID, model string) error {
	return readyDo(s.a, func() error { return s.a.conversations.SetModel(s.a.ctx, id, endpointID, model) })
}

// SetSystemPrompt sets the conversation's system prompt.
func (s *ConversationService) SetSystemPrompt(id int64, prompt string) error {
	return readyDo(s.a, func() error { return s.a.conversations.SetSystemPrompt(s.a.ctx, id, prompt) })
}

// SetParams sets the conversation's generation parameters; the store checks
// them.
func (s *ConversationService) SetParams(id int64, p store.Params) error {
	return readyDo(s.a, func() error { return s.a.conversations.SetParams(s.a.ctx, id, p) })
}

// SaveDraft keeps the composer's text of a conversation.
func (s *ConversationService) SaveDraft(id int64, text string) error {
	return readyDo(s.a, func() error { return s.a.conversations.SaveDraft(s.a.ctx, id, text) })
}

// DeleteMessage removes a message with all its versions; what follows the
// shown one stays. It returns how many messages went.
func (s *ConversationService) DeleteMessage(id int64) (int, error) {
	return readyGet(s.a, func() (int, error) { return s.a.conversations.DeleteMessage(s.a.ctx, id) })
}

// Search finds messages by full text, best first.
func (s *ConversationService) Search(query string) ([]store.SearchHit, error) {
	return readyGet(s.a, func() ([]store.SearchHit, error) { return s.a.conversations.Search(s.a.ctx, query) })
}

// ArchiveMany archives (or unarchives) many conversations at once, all or
// none, in one transaction.
func (s *ConversationService) ArchiveMany(ids []int64, archived bool) (int, error) {
	if err := guard.First(s.a.ready(), guard.IDs("conversation", ids)); err != nil {
		return 0, err
	}
	return readyChange(s.a, func() (int, error) { return s.a.store.ArchiveMany(s.a.ctx, ids, archived) })
}

// DeleteMany moves many conversations to the trash at once, all or none;
// RestoreMany undoes it.
func (s *ConversationService) DeleteMany(ids []int64) (int, error) {
	if err := guard.First(s.a.ready(), guard.IDs("conversation", ids)); err != nil {
		return 0, err
	}
	return readyChange(s.a, func() (int, error) { return s.a.store.DeleteMany(s.a.ctx, ids) })
}

// RestoreMany undoes DeleteMany.
func (s *ConversationService) RestoreMany(ids []int64) (int, error) {
	if err := guard.First(s.a.ready(), guard.IDs("conversation", ids)); err != nil {
		return 0, err
	}
	return readyChange(s.a, func() (int, error) { return s.a.store.RestoreMany(s.a.ctx, ids) })
}
