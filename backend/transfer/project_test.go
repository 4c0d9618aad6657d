package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/store"
	"brook/backend/transfer"
)

// importInto parses data and imports it into s.
func importInto(t *testing.T, s *store.Store, data []byte) store.ImportResult {
	t.Helper()
	bundles, _, err := transfer.Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	res, err := s.Import(context.Background(), bundles)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return res
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// titlesIn are the titles of a project's live conversations, archived ones
// included, in no particular order.
func titlesIn(t *testing.T, s *store.Store, projectID int64) []string {
	t.Helper()
	var titles []string
	for _, archived := range []bool{false, true} {
		list, err := s.ProjectConversations(context.Background(), projectID, store.ListOptions{Archived: archived})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			titles = append(titles, c.Title)
		}
	}
	return titles
}

// TestProjectExportImport exports a project with its chats and imports it
// into an empty Brook: the project comes back once, with its instructions
// and defaults, holding those chats; the assistant's name stays on its
// chat. Importing again adds nothing.
func TestProjectExportImport(t *testing.T) {
	ctx := context.Background()
	data := exportStore(t, populatedStore(t))
	s := openStore(t)
	res := importInto(t, s, data)
	if res.Imported != 5 || res.Copied != 0 {
		t.Fatalf("first import = %+v", res)
	}
	projects, err := s.ListProjects(ctx)
	if err != nil || len(projects) != 1 {
		t.Fatalf("projects = %+v, %v", projects, err)
	}
	p := projects[0]
	if p.Name != "Thesis" || p.Instructions != "You help with a thesis on rivers." || p.Colour != "#2a7ab0" || p.Emoji != "🌊" ||
		p.Model != "qwen3:8b" || p.EndpointID != "ollama-local" || p.Params.Think != "low" {
		t.Fatalf("imported project = %+v", p)
	}
	titles := titlesIn(t, s, p.ID)
	if len(titles) != 2 || !containsString(titles, "Reading the lease") {
		t.Fatalf("the project's chats = %q", titles)
	}
	for _, c := range mustList(t, s, p.ID) {
		if c.Title != "Reading the lease" && (c.AssistantName != "Tutor" || c.AssistantID != 0 || c.SystemPrompt != "Ask one question at a time.") {
			t.Fatalf("the chat started from the assistant = %+v", c)
		}
	}
	if outside := titlesIn(t, s, 0); len(outside) != 3 {
		t.Fatalf("outside any project: %q", outside)
	}

	again := importInto(t, s, data)
	if again.Imported != 0 || again.Skipped != 5 {
		t.Fatalf("second import = %+v", again)
	}
	if projects, _ := s.ListProjects(ctx); len(projects) != 1 {
		t.Fatalf("the project was duplicated: %+v", projects)
	}
}

// TestImportedProjectBesideOthers: a project of the same name but another
// UID is no reason to merge; a project of the same UID that differs comes
// in as a copy, so nothing stored changes.
func TestImportedProjectBesideOthers(t *testing.T) {
	ctx := context.Background()
	data := exportStore(t, populatedStore(t))
	var uid string
	bundles, _, err := transfer.Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bundles {
		if b.Project != nil {
			uid = b.Project.UID
		}
	}

	sameName := openStore(t)
	mine, err := sameName.CreateProject(ctx, store.Project{Name: "Thesis", Instructions: "Mine."})
	if err != nil {
		t.Fatal(err)
	}
	importInto(t, sameName, data)
	if projects, _ := sameName.ListProjects(ctx); len(projects) != 2 {
		t.Fatalf("projects = %+v", projects)
	}
	if titles := titlesIn(t, sameName, mine.ID); len(titles) != 0 {
		t.Fatalf("chats landed in a project that only shares the name: %q", titles)
	}

	sameUID := openStore(t)
	edited, err := sameUID.CreateProject(ctx, store.Project{UID: uid, Name: "Thesis", Instructions: "Edited since."})
	if err != nil {
		t.Fatal(err)
	}
	importInto(t, sameUID, data)
	projects, _ := sameUID.ListProjects(ctx)
	if len(projects) != 2 || projects[1].UID == uid || projects[1].Instructions != "You help with a thesis on rivers." {
		t.Fatalf("projects = %+v", projects)
	}
	if got, _ := sameUID.GetProject(ctx, edited.ID); got.Instructions != "Edited since." {
		t.Fatalf("the stored project changed: %+v", got)
	}
	if titles := titlesIn(t, sameUID, projects[1].ID); len(titles) != 2 {
		t.Fatalf("the copy holds %q", titles)
	}
}

// TestParseRefusesBadProject: a project the store would refuse is refused
// by Parse, naming the conversation, and nothing is imported.
func TestParseRefusesBadProject(t *testing.T) {
	data := exportStore(t, populatedStore(t))
	for name, change := range map[string][2]string{
		"blank name":      {`"name": "Thesis"`, `"name": " "`},
		"long name":       {`"name": "Thesis"`, `"name": "` + strings.Repeat("x", store.MaxNameRunes+1) + `"`},
		"bad colour":      {`"colour": "#2a7ab0"`, `"colour": "blue"`},
		"no uid":          {`"project": {` + "\n" + `        "uid": "`, `"project": {` + "\n" + `        "nouid": "`},
		"bad params":      {`"model": "qwen3:8b",` + "\n" + `        "params": {` + "\n" + `          "think": "low"`, `"model": "qwen3:8b",` + "\n" + `        "params": {` + "\n" + `          "think": "lots"`},
		"name as a value": {`"name": "Thesis"`, `"name": 5`},
	} {
		t.Run(name, func(t *testing.T) {
			if !bytes.Contains(data, []byte(change[0])) {
				t.Fatalf("the export has no %s", change[0])
			}
			bad := bytes.Replace(data, []byte(change[0]), []byte(change[1]), 1)
			_, _, err := transfer.Parse(bytes.NewReader(bad), int64(len(bad)))
			if err == nil || !(errors.Is(err, transfer.ErrInvalid) || errors.Is(err, transfer.ErrMalformed)) {
				t.Fatalf("Parse = %v", err)
			}
			// The first conversation of the project in the file is the one
			// started from the assistant, the second of the file.
			if !strings.Contains(err.Error(), "conversation 2") {
				t.Fatalf("the error does not name the conversation: %v", err)
			}
		})
	}
}

func mustList(t *testing.T, s *store.Store, projectID int64) []store.Conversation {
	t.Helper()
	list, err := s.ProjectConversations(context.Background(), projectID, store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
