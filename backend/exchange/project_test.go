package exchange

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/store"
	"brook/backend/transfer"
)

// projectStore is a store with a project "Q&A <notes>" holding two chats
// with a message each, and a chat outside it.
func projectStore(t *testing.T) (*store.Store, store.Project) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := st.CreateProject(ctx, store.Project{Name: "Q&A <notes>", Instructions: "Answer in French."})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, title := range []string{"First [chat]", "Second chat", "Outside"} {
		c, err := st.CreateConversation(ctx, store.Conversation{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddMessage(ctx, store.Message{ConversationID: c.ID, Role: store.RoleUser, Content: "hello from " + title}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if _, err := st.MoveToProject(ctx, ids[:2], p.ID); err != nil {
		t.Fatal(err)
	}
	return st, p
}

// TestProjectExportFolders writes a project as a Markdown and an HTML
// folder: one file per chat and an index linking them, the chat outside
// left out; a second export of the same project gets its own folder.
func TestProjectExportFolders(t *testing.T) {
	st, p := projectStore(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.Local)
	out := t.TempDir()
	for _, f := range []transfer.Format{transfer.FormatMarkdown, transfer.FormatHTML} {
		e, err := BeginProject(ctx, st, p.ID, string(f), now)
		if err != nil || !e.Folder() || e.Conversations() != 2 {
			t.Fatalf("BeginProject(%s): %v", f, err)
		}
		want := filepath.Join(out, "brook-project-q-a-notes-2026-12-06")
		if e.FileName() != filepath.Base(want) {
			t.Fatalf("FileName = %q", e.FileName())
		}
		dir, err := e.Write(ctx, st, filepath.Join(out, e.FileName()))
		if err != nil {
			t.Fatal(err)
		}
		if f == transfer.FormatHTML && dir != want+"-2" {
			t.Fatalf("the second export went to %q, want %q", dir, want+"-2")
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, en := range entries {
			names = append(names, en.Name())
		}
		ext := f.Ext()
		wantNames := []string{"001-first-chat" + ext, "002-second-chat" + ext, "index" + ext}
		if strings.Join(names, ",") != strings.Join(wantNames, ",") {
			t.Fatalf("%s folder holds %v, want %v", f, names, wantNames)
		}
		index, _ := os.ReadFile(filepath.Join(dir, "index"+ext))
		chat, _ := os.ReadFile(filepath.Join(dir, "002-second-chat"+ext))
		if !strings.Contains(string(index), "002-second-chat"+ext) || !strings.Contains(string(index), "Answer in French.") {
			t.Fatalf("%s index lacks a chat's link or the instructions:\n%s", f, index)
		}
		if strings.Contains(string(index), "<notes>") {
			t.Fatalf("%s index carries the name unescaped:\n%s", f, index)
		}
		if !strings.Contains(string(chat), "hello from Second chat") || strings.Contains(string(chat), "Outside") {
			t.Fatalf("%s chat file:\n%s", f, chat)
		}
	}
}

// TestProjectExportJSONImportsBack writes a project to JSON and imports it
// into an empty Brook: the project comes back with its instructions and
// its knowledge files (written once in the file), holding both chats; a
// second import adds no knowledge file twice.
func TestProjectExportJSONImportsBack(t *testing.T) {
	st, p := projectStore(t)
	ctx := context.Background()
	notes := store.Document{Name: "notes <1>.md", Kind: "text", MIME: "text/markdown", Text: "# Notes\nThe otter den is on page 7.", Data: []byte("# Notes\nThe otter den is on page 7.")}
	if _, err := st.AddKnowledgeFile(ctx, store.KnowledgeOwner{ProjectID: p.ID}, notes); err != nil {
		t.Fatal(err)
	}
	e, err := BeginProject(ctx, st, p.ID, "json", time.Now())
	if err != nil || e.Folder() {
		t.Fatalf("BeginProject(json): %v", err)
	}
	path := filepath.Join(t.TempDir(), e.FileName())
	if _, err := e.Write(ctx, st, path); err != nil {
		t.Fatal(err)
	}
	fresh, err := store.Open(filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	res, _, err := Import(ctx, fresh, path)
	if err != nil || res.Imported != 2 {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	projects, err := fresh.ListProjects(ctx)
	if err != nil || len(projects) != 1 || projects[0].Instructions != "Answer in French." || projects[0].Name != p.Name {
		t.Fatalf("projects after import: %+v, %v", projects, err)
	}
	counts, err := fresh.ProjectCounts(ctx, false)
	if err != nil || len(counts) != 1 || counts[0].Chats != 2 {
		t.Fatalf("counts after import: %+v, %v", counts, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"knowledge"`); n != 1 {
		t.Fatalf("the file carries the knowledge files %d times, want once", n)
	}
	knowledge := func() []store.KnowledgeFile {
		t.Helper()
		files, err := fresh.KnowledgeFilesWithContent(ctx, store.KnowledgeOwner{ProjectID: projects[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	if files := knowledge(); len(files) != 1 || files[0].Name != notes.Name || files[0].Text != notes.Text || string(files[0].Data) != string(notes.Data) {
		t.Fatalf("knowledge files after import: %+v", files)
	}
	if _, _, err := Import(ctx, fresh, path); err != nil {
		t.Fatal(err)
	}
	if files := knowledge(); len(files) != 1 {
		t.Fatalf("a second import left %d knowledge files, want 1", len(files))
	}
}

// TestProjectImportRefusesABrokenKnowledgeFile: a project's knowledge file
// without its bytes refuses the whole file, naming it, and stores nothing.
func TestProjectImportRefusesABrokenKnowledgeFile(t *testing.T) {
	st, p := projectStore(t)
	ctx := context.Background()
	if _, err := st.AddKnowledgeFile(ctx, store.KnowledgeOwner{ProjectID: p.ID}, store.Document{Name: "a.txt", Kind: "text", MIME: "text/plain", Text: "x", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	e, err := BeginProject(ctx, st, p.ID, "json", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), e.FileName())
	if _, err := e.Write(ctx, st, path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), `"data": "eA=="`, `"data": ""`, 1)
	if broken == string(data) {
		t.Fatal("the knowledge file's bytes are not in the file as expected")
	}
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh, err := store.Open(filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if _, _, err := Import(ctx, fresh, path); !errors.Is(err, transfer.ErrInvalid) || !strings.Contains(err.Error(), "knowledge file 1") {
		t.Fatalf("Import of a knowledge file without bytes: %v", err)
	}
	if projects, err := fresh.ListProjects(ctx); err != nil || len(projects) != 0 {
		t.Fatalf("projects after a refused import: %+v, %v", projects, err)
	}
}

// TestProjectExportRefuses refuses an unknown project, an unknown format
// and a project without chats.
func TestProjectExportRefuses(t *testing.T) {
	st, p := projectStore(t)
	ctx := context.Background()
	if _, err := BeginProject(ctx, st, 999, "json", time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown project: %v", err)
	}
	if _, err := BeginProject(ctx, st, p.ID, "pdf", time.Now()); !errors.Is(err, transfer.ErrUnknownFormat) {
		t.Fatalf("unknown format: %v", err)
	}
	empty, err := st.CreateProject(ctx, store.Project{Name: "Empty"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := BeginProject(ctx, st, empty.ID, "markdown", time.Now()); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("empty project: %v", err)
	}
}
