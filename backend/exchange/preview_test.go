package exchange

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"brook/backend/store"
	"brook/backend/transfer/importers"
)

// openWebUIExport copies the Open WebUI fixture (two conversations, the
// first with branches) into a folder of the test's and returns its path.
func openWebUIExport(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "transfer", "importers", "openwebui", "testdata", "all-chats.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "all-chats.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func conversationCount(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	for _, archived := range []bool{false, true} {
		list, err := st.ListConversations(context.Background(), store.ListOptions{Archived: archived})
		if err != nil {
			t.Fatal(err)
		}
		n += len(list)
	}
	return n
}

// TestPreviewThenImportPicked: the preview names the export and counts
// what it holds, writing nothing; importing one picked conversation adds
// only it; a second preview shows it as already in Brook, and picking it
// again skips it.
func TestPreviewThenImportPicked(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	path := openWebUIExport(t)

	p, err := MakePreview(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Open WebUI export" || p.File != "all-chats.json" || len(p.Conversations) != 2 || p.Stored != 0 || p.Token == "" {
		t.Fatalf("preview: %+v", p)
	}
	sum := 0
	for _, c := range p.Conversations {
		sum += c.Messages
		if c.Status != store.ImportNew || c.Title == "" || c.CreatedAt == 0 {
			t.Fatalf("a conversation of the preview: %+v", c)
		}
		if c.CreatedAt < p.First || c.UpdatedAt > p.Last {
			t.Fatalf("conversation %+v lies outside the preview's range %d–%d", c, p.First, p.Last)
		}
	}
	if sum != p.Messages || p.First == 0 || p.Last < p.First {
		t.Fatalf("preview counts %d messages from %d to %d; its conversations have %d", p.Messages, p.First, p.Last, sum)
	}
	if n := conversationCount(t, st); n != 0 {
		t.Fatalf("the preview wrote %d conversations", n)
	}

	branching := slices.IndexFunc(p.Conversations, func(c PreviewItem) bool { return c.Title == "Branching chat" })
	res, err := ImportPicked(ctx, st, path, p.Token, []int{branching})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 1 || res.Skipped != 0 || res.NotPicked != 1 || res.Messages != p.Conversations[branching].Messages || res.Name != "Open WebUI export" {
		t.Fatalf("import of the picked one: %+v", res)
	}
	if list, _ := st.ListConversations(ctx, store.ListOptions{}); len(list) != 1 || list[0].Title != "Branching chat" || conversationCount(t, st) != 1 {
		t.Fatalf("after importing the picked one the list is %+v", list)
	}

	again, err := MakePreview(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	if again.Token != p.Token || again.Stored != 1 || again.Conversations[branching].Status != store.ImportStored ||
		again.Conversations[1-branching].Status != store.ImportNew {
		t.Fatalf("the second preview: %+v", again)
	}
	res, err = ImportPicked(ctx, st, path, again.Token, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's second chat is archived in Open WebUI.
	if res.Imported != 1 || res.Skipped != 1 || res.NotPicked != 0 || res.Archived != 1 {
		t.Fatalf("importing both after one was in: %+v", res)
	}
	if n := conversationCount(t, st); n != 2 {
		t.Fatalf("%d conversations after both imports, want 2", n)
	}
}

// TestPreviewChangedConversationIsACopy: a conversation whose id is in
// Brook with other content is shown as one that comes in as a copy.
func TestPreviewChangedConversationIsACopy(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	path := openWebUIExport(t)
	r, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	changed := r.Bundles[0]
	changed.Messages = slices.Clone(changed.Messages)
	changed.Messages[0].Content = "Something else was said here"
	if _, err := st.Import(ctx, []store.Bundle{changed}); err != nil {
		t.Fatal(err)
	}
	p, err := MakePreview(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Conversations[0].Status != store.ImportChanged || p.Stored != 0 {
		t.Fatalf("a conversation stored with other content: %+v", p.Conversations[0])
	}
}

// TestImportPickedRefusals: nothing picked, a stale token, a file changed
// since its preview, a pick out of range or twice, and bad input are each
// refused with a clear error, and nothing is written.
func TestImportPickedRefusals(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	path := openWebUIExport(t)
	p, err := MakePreview(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	other := openWebUIExport(t)
	data, _ := os.ReadFile(other)
	// The same export with one text changed: same size of list, other content.
	os.WriteFile(other, []byte(strings.Replace(string(data), "First answer.", "First answer!", 1)), 0o600)
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("these are not conversations"), 0o600)

	for _, tc := range []struct {
		name   string
		path   string
		token  string
		picked []int
		want   error
		words  string
	}{
		{"nothing picked", path, p.Token, nil, ErrNothingPicked, "pick at least one"},
		{"a stale token", path, strings.Repeat("0", 32), []int{0}, ErrChanged, "all-chats.json"},
		{"a file changed since its preview", other, p.Token, []int{0}, ErrChanged, "look at it again"},
		{"a pick out of range", path, p.Token, []int{0, 2}, errBadPick, "conversation 3 is not in all-chats.json, which has 2"},
		{"a pick given twice", path, p.Token, []int{1, 1}, errBadPick, "picked twice"},
		{"a negative pick", path, p.Token, []int{-1}, errBadPick, "not in"},
		{"not an export", bad, p.Token, []int{0}, importers.ErrUnknownFormat, "notes.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportPicked(ctx, st, tc.path, tc.token, tc.picked)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("ImportPicked: %v; want %v saying %q", err, tc.want, tc.words)
			}
			if n := conversationCount(t, st); n != 0 {
				t.Fatalf("a refused import wrote %d conversations", n)
			}
		})
	}
}

// TestPreviewOfBadInput: what is no export gets the importer's error, and
// the preview writes nothing.
func TestPreviewOfBadInput(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.json")
	os.WriteFile(bad, []byte(`{"not": "an export"}`), 0o600)
	empty := t.TempDir()
	for _, path := range []string{bad, empty, filepath.Join(dir, "missing.zip")} {
		_, err := MakePreview(context.Background(), st, path)
		if err == nil || !strings.Contains(err.Error(), filepath.Base(path)) {
			t.Fatalf("preview of %s: %v", path, err)
		}
	}
	if n := conversationCount(t, st); n != 0 {
		t.Fatalf("a failed preview wrote %d conversations", n)
	}
}
