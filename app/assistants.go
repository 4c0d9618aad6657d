package app

import (
	"brook/backend/guard"
	"brook/backend/store"
)

// AssistantService keeps saved chat set-ups; backend/store checks names
// and the rest of an assistant.
type AssistantService struct{ a *App }

// List returns the live assistants.
func (s *AssistantService) List() ([]store.Assistant, error) {
	return readyGet(s.a, func() ([]store.Assistant, error) { return s.a.store.ListAssistants(s.a.ctx) })
}

// Create adds an assistant and returns it as stored.
func (s *AssistantService) Create(as store.Assistant) (store.Assistant, error) {
	return readyGet(s.a, func() (store.Assistant, error) { return s.a.store.CreateAssistant(s.a.ctx, as) })
}

// SaveConversation creates an assistant named name from a conversation's
// current system prompt, model and parameters.
func (s *AssistantService) SaveConversation(conversationID int64, name string) (store.Assistant, error) {
	if err := guard.First(s.a.ready(), guard.ID("conversation", conversationID)); err != nil {
		return store.Assistant{}, err
	}
	return readyGet(s.a, func() (store.Assistant, error) { return s.a.store.SaveAsAssistant(s.a.ctx, conversationID, name) })
}

// Update sets what the user chooses of an assistant and returns it as
// stored.
func (s *AssistantService) Update(as store.Assistant) (store.Assistant, error) {
	if err := guard.First(s.a.ready(), guard.ID("assistant", as.ID)); err != nil {
		return store.Assistant{}, err
	}
	return readyGet(s.a, func() (store.Assistant, error) { return s.a.store.UpdateAssistant(s.a.ctx, as) })
}

// Duplicate copies an assistant under its name with " (copy)".
func (s *AssistantService) Duplicate(id int64) (store.Assistant, error) {
	if err := guard.First(s.a.ready(), guard.ID("assistant", id)); err != nil {
		return store.Assistant{}, err
	}
	return readyGet(s.a, func() (store.Assistant, error) { return s.a.store.DuplicateAssistant(s.a.ctx, id) })
}

// Delete removes an assistant; Restore brings it back.
func (s *AssistantService) Delete(id int64) error {
	if err := guard.First(s.a.ready(), guard.ID("assistant", id)); err != nil {
		return err
	}
	return readyDo(s.a, func() error { return s.a.store.DeleteAssistant(s.a.ctx, id) })
}

// Restore undoes Delete.
func (s *AssistantService) Restore(id int64) error {
	if err := guard.First(s.a.ready(), guard.ID("assistant", id)); err != nil {
		return err
	}
	return readyDo(s.a, func() error { return s.a.store.RestoreAssistant(s.a.ctx, id) })
}

// StartChat creates a conversation from an assistant, in project
// projectID or, with 0, outside any project.
func (s *AssistantService) StartChat(assistantID, projectID int64) (store.Conversation, error) {
	if err := guard.First(s.a.ready(), guard.ID("assistant", assistantID), projectOrNone(projectID)); err != nil {
		return store.Conversation{}, err
	}
	return readyChange(s.a, func() (store.Conversation, error) {
		return s.a.store.StartFromAssistant(s.a.ctx, assistantID, projectID)
	})
}

// KnowledgeFiles lists an assistant's knowledge files: documents every
// chat started from it retrieves from.
func (s *AssistantService) KnowledgeFiles(assistantID int64) ([]store.KnowledgeFile, error) {
	if err := guard.First(s.a.ready(), guard.ID("assistant", assistantID)); err != nil {
		return nil, err
	}
	return s.a.store.KnowledgeFiles(s.a.ctx, store.KnowledgeOwner{AssistantID: assistantID})
}

// AddKnowledgeFile reads a file (its bytes in base64) and adds it to an
// assistant's knowledge files.
func (s *AssistantService) AddKnowledgeFile(assistantID int64, name, data string) (store.KnowledgeFile, error) {
	if err := guard.First(s.a.ready(), guard.ID("assistant", assistantID)); err != nil {
		return store.KnowledgeFile{}, err
	}
	return s.a.retrieval.AddKnowledge(s.a.ctx, s.a.store, store.KnowledgeOwner{AssistantID: assistantID}, name, data)
}

// RemoveKnowledgeFile removes a knowledge file of an assistant.
func (s *AssistantService) RemoveKnowledgeFile(id int64) error {
	if err := guard.First(s.a.ready(), guard.ID("knowledge file", id)); err != nil {
		return err
	}
	return s.a.store.RemoveKnowledgeFile(s.a.ctx, id)
}
