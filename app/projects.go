package app

import (
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"brook/backend/events"
	"brook/backend/exchange"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer"
)

// ProjectService groups conversations in projects; backend/store checks
// names and the rest of a project.
type ProjectService struct{ a *App }

// readyChange is readyGet for calls that change the sidebar: when fn
// succeeds, it tells the window the conversations changed.
func readyChange[T any](a *App, fn func() (T, error)) (T, error) {
	v, err := readyGet(a, fn)
	if err == nil {
		a.emitter.Emit(events.ConversationsChangedName, 0)
	}
	return v, err
}

// List returns the live projects in the sidebar's order.
func (s *ProjectService) List() ([]store.Project, error) {
	return readyGet(s.a, func() ([]store.Project, error) { return s.a.store.ListProjects(s.a.ctx) })
}

// Create adds a project and returns it as stored.
func (s *ProjectService) Create(p store.Project) (store.Project, error) {
	return readyChange(s.a, func() (store.Project, error) { return s.a.store.CreateProject(s.a.ctx, p) })
}

// Update sets a project's name, marks, instructions and defaults, and
// returns it as stored.
func (s *ProjectService) Update(p store.Project) (store.Project, error) {
	if err := guard.First(s.a.ready(), guard.ID("project", p.ID)); err != nil {
		return store.Project{}, err
	}
	return readyChange(s.a, func() (store.Project, error) { return s.a.store.UpdateProject(s.a.ctx, p) })
}

// Delete deletes a project and either moves its chats out (trash false) or
// moves them to the trash; Restore, given what it returns, undoes it.
func (s *ProjectService) Delete(id int64, trash bool) (store.ProjectDeletion, error) {
	if err := guard.First(s.a.ready(), guard.ID("project", id)); err != nil {
		return store.ProjectDeletion{}, err
	}
	chats := store.MoveChatsOut
	if trash {
		chats = store.TrashChats
	}
	return readyChange(s.a, func() (store.ProjectDeletion, error) { return s.a.store.DeleteProject(s.a.ctx, id, chats) })
}

// Restore undoes Delete: the project comes back, and the chats it moved
// out (moved) go back into it.
func (s *ProjectService) Restore(id int64, moved []int64) error {
	if err := guard.First(s.a.ready(), guard.ID("project", id), guard.IDs("conversation", moved)); err != nil {
		return err
	}
	_, err := readyChange(s.a, func() (int, error) { return 0, s.a.store.RestoreProject(s.a.ctx, id, moved) })
	return err
}

// Move moves conversations into project projectID, or out of any project
// when it is 0, all or none; it returns how many changed project.
func (s *ProjectService) Move(ids []int64, projectID int64) (int, error) {
	if err := guard.First(s.a.ready(), guard.IDs("conversation", ids), projectOrNone(projectID)); err != nil {
		return 0, err
	}
	return readyChange(s.a, func() (int, error) { return s.a.store.MoveToProject(s.a.ctx, ids, projectID) })
}

// Conversations returns the chats of project projectID, or with 0 those
// outside any project, pinned first, then newest.
func (s *ProjectService) Conversations(projectID int64, archived bool, limit, offset int) ([]store.Conversation, error) {
	limit, err := guard.Page(limit, offset)
	if err := guard.First(s.a.ready(), err, projectOrNone(projectID)); err != nil {
		return nil, err
	}
	return readyGet(s.a, func() ([]store.Conversation, error) {
		return s.a.store.ProjectConversations(s.a.ctx, projectID, store.ListOptions{Archived: archived, Limit: limit, Offset: offset})
	})
}

// StartChat creates a conversation in a project, with its defaults.
func (s *ProjectService) StartChat(projectID int64) (store.Conversation, error) {
	if err := guard.First(s.a.ready(), guard.ID("project", projectID)); err != nil {
		return store.Conversation{}, err
	}
	return readyChange(s.a, func() (store.Conversation, error) { return s.a.store.StartInProject(s.a.ctx, projectID) })
}

// Counts returns how many live chats each project holds, archived or not
// as archived says: the sidebar's numbers, right however many chats it
// has loaded.
func (s *ProjectService) Counts(archived bool) ([]store.ProjectCount, error) {
	return readyGet(s.a, func() ([]store.ProjectCount, error) { return s.a.store.ProjectCounts(s.a.ctx, archived) })
}

// Search finds messages by full text within project projectID, or with 0
// among the chats outside any project, best first.
func (s *ProjectService) Search(projectID int64, query string) ([]store.SearchHit, error) {
	if err := guard.First(s.a.ready(), projectOrNone(projectID), guard.Search(query)); err != nil {
		return nil, err
	}
	return readyGet(s.a, func() ([]store.SearchHit, error) { return s.a.store.SearchProject(s.a.ctx, projectID, query, 50) })
}

// Export writes a project with all its chats: to a JSON file that imports
// back with its instructions and defaults, or to a folder of Markdown or
// HTML files (one per chat, and an index) the user picks a place for. It
// returns the path written, or "" when the user cancelled.
func (s *ProjectService) Export(projectID int64, format string) (string, error) {
	if err := guard.First(s.a.ready(), guard.ID("project", projectID)); err != nil {
		return "", err
	}
	export, err := exchange.BeginProject(s.a.ctx, s.a.store, projectID, format, s.a.clock())
	if err != nil {
		return "", err
	}
	var path string
	if export.Folder() {
		path, err = s.a.folderPath(i18n.T("Dialog.exportProject", nil))
		if err == nil && path != "" {
			path = filepath.Join(path, export.FileName())
		}
	} else {
		path, err = s.a.savePath(export.FileName(), transfer.FormatJSON)
	}
	if err != nil || path == "" {
		return "", err
	}
	return export.Write(s.a.ctx, s.a.store, path)
}

// folderPath asks for a folder to write into; "" when the user cancelled.
func (a *App) folderPath(title string) (string, error) {
	if dir := testHooks.exportDir(); dir != "" {
		return dir, nil
	}
	return runtime.OpenDirectoryDialog(a.ctx, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}

// projectOrNone checks a project id where 0 means outside any project.
func projectOrNone(id int64) error {
	if id == 0 {
		return nil
	}
	return guard.ID("project", id)
}

// KnowledgeFiles lists a project's knowledge files: documents every chat
// of the project retrieves from.
func (s *ProjectService) KnowledgeFiles(projectID int64) ([]store.KnowledgeFile, error) {
	if err := guard.First(s.a.ready(), guard.ID("project", projectID)); err != nil {
		return nil, err
	}
	return s.a.store.KnowledgeFiles(s.a.ctx, store.KnowledgeOwner{ProjectID: projectID})
}

// AddKnowledgeFile reads a file (its bytes in base64) and adds it to a
// project's knowledge files.
func (s *ProjectService) AddKnowledgeFile(projectID int64, name, data string) (store.KnowledgeFile, error) {
	if err := guard.First(s.a.ready(), guard.ID("project", projectID)); err != nil {
		return store.KnowledgeFile{}, err
	}
	return s.a.retrieval.AddKnowledge(s.a.ctx, s.a.store, store.KnowledgeOwner{ProjectID: projectID}, name, data)
}

// RemoveKnowledgeFile removes a knowledge file of a project.
func (s *ProjectService) RemoveKnowledgeFile(id int64) error {
	if err := guard.First(s.a.ready(), guard.ID("knowledge file", id)); err != nil {
		return err
	}
	return s.a.store.RemoveKnowledgeFile(s.a.ctx, id)
}
