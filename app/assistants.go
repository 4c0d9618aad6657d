package app

import (
	"io"
	"os"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"brook/backend/fsutil"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer"
	"brook/backend/transfer/assistants"
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

// Export writes the assistants ids (all when empty) to an assistants file
// the user picks; it returns the path, or "" when the user cancelled.
func (s *AssistantService) Export(ids []int64) (string, error) {
	if err := guard.First(s.a.ready(), guard.IDs("assistant", ids)); err != nil {
		return "", err
	}
	list, err := s.a.store.ListAssistants(s.a.ctx)
	if err != nil {
		return "", err
	}
	if len(ids) > 0 {
		picked := make([]store.Assistant, 0, len(ids))
		for _, id := range ids {
			a, err := s.a.store.GetAssistant(s.a.ctx, id)
			if err != nil {
				return "", err
			}
			picked = append(picked, a)
		}
		list = picked
	}
	if len(list) == 0 {
		return "", i18n.Kind(store.ErrInvalid, "Assistants.noneToExport", nil)
	}
	name := "brook-assistants-" + s.a.clock().Format("2006-01-02") + ".json"
	path, err := s.a.savePath(name, transfer.FormatJSON)
	if err != nil || path == "" {
		return "", err
	}
	now := s.a.clock()
	return path, fsutil.WriteAtomically(path, 0o600, func(w io.Writer) error { return assistants.Write(w, list, now) })
}

// Import reads an assistants file the user picks and adds its assistants,
// all or none: a file too large, of too many assistants or with bad data
// is refused with the reason and changes nothing. A zero result with a nil
// error means the user cancelled.
func (s *AssistantService) Import() (store.AssistantImportResult, error) {
	if err := s.a.ready(); err != nil {
		return store.AssistantImportResult{}, err
	}
	path, err := s.a.assistantsPath()
	if err != nil || path == "" {
		return store.AssistantImportResult{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return store.AssistantImportResult{}, err
	}
	defer f.Close()
	list, err := assistants.Parse(f)
	if err != nil {
		return store.AssistantImportResult{}, err
	}
	return s.a.store.ImportAssistants(s.a.ctx, list)
}

// assistantsPath asks for an assistants file to import.
func (a *App) assistantsPath() (string, error) {
	if path := testHooks.importFile(); path != "" {
		return path, nil
	}
	return runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{
		Title:   i18n.T("Dialog.importAssistants", nil),
		Filters: []runtime.FileFilter{{DisplayName: i18n.T("Dialog.assistantsFile", nil), Pattern: "*.json"}},
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
