package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenSharedLeavesStreamingAnswersAlone: the brook command opens the
// database beside a window that is streaming an answer; it reads, writes
// and closes without marking that answer interrupted, and the window then
// finishes it.
func TestOpenSharedLeavesStreamingAnswersAlone(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "brook.db")
	window, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	c := mustConversation(t, window, "streaming now")
	mustMessage(t, window, c.ID, RoleUser, "tell me")
	answer, err := window.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming, Content: "so far"})
	if err != nil {
		t.Fatal(err)
	}

	cli, err := OpenShared(path, SharedOptions{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	list, err := cli.ListSummaries(ctx)
	if err != nil || len(list) != 1 || list[0].Messages != 2 || list[0].Title != "streaming now" {
		t.Fatalf("ListSummaries = %+v, %v", list, err)
	}
	if _, err := cli.CreateConversation(ctx, Conversation{Title: "written by the command"}); err != nil {
		t.Fatal(err)
	}
	if err := cli.Close(); err != nil {
		t.Fatal(err)
	}

	m, err := window.GetMessage(ctx, answer.ID)
	if err != nil || m.State != StateStreaming || m.Content != "so far" {
		t.Fatalf("after the command, the streaming answer is %+v, %v", m, err)
	}
	if list, _ := window.ListConversations(ctx, ListOptions{}); len(list) != 2 {
		t.Fatalf("the window sees %d conversations, want the command's too", len(list))
	}
}

// TestOpenSharedMigratesOnlyWhenAllowed: an older database is refused
// unless the command may migrate it (no window holds it); a newer one is
// always refused; none is created unless asked; a damaged one is reported,
// not moved.
func TestOpenSharedMigratesOnlyWhenAllowed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	older := filepath.Join(dir, "older.db")
	raw, err := sql.Open("sqlite", dataSourceName(older))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, raw, SchemaVersion()-1); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := OpenShared(older, SharedOptions{}); !errors.Is(err, ErrOlderSchema) {
		t.Fatalf("an older database without Migrate: %v", err)
	}
	if v := userVersion(t, older); v != SchemaVersion()-1 {
		t.Fatalf("the refused database is now at version %d", v)
	}
	s, err := OpenShared(older, SharedOptions{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if v := userVersion(t, older); v != SchemaVersion() {
		t.Fatalf("after migrating, version %d", v)
	}

	newer := filepath.Join(dir, "newer.db")
	writeDatabase(t, newer)
	raw, err = sql.Open("sqlite", dataSourceName(newer))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := OpenShared(newer, SharedOptions{Migrate: true}); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("a newer database: %v", err)
	}

	missing := filepath.Join(dir, "missing.db")
	if _, err := OpenShared(missing, SharedOptions{Migrate: true}); !errors.Is(err, ErrNoDatabase) || fileExists(missing) {
		t.Fatalf("a missing database without Create: %v", err)
	}
	s, err = OpenShared(missing, SharedOptions{Migrate: true, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	damaged := filepath.Join(dir, "damaged.db")
	if err := os.WriteFile(damaged, []byte("definitely not SQLite, but long enough to have a header......................................................"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenShared(damaged, SharedOptions{Migrate: true}); !IsCorrupt(err) || !fileExists(damaged) {
		t.Fatalf("a damaged database: %v (still there: %v)", err, fileExists(damaged))
	}
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", readOnlyURI(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestListSummaries(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	old := mustConversation(t, s, "old")
	mustMessage(t, s, old.ID, RoleUser, "one")
	archived := mustConversation(t, s, "archived")
	pinned := mustConversation(t, s, "pinned")
	fresh := mustConversation(t, s, "fresh")
	for range 3 {
		mustMessage(t, s, fresh.ID, RoleUser, "hello")
	}
	gone := mustConversation(t, s, "deleted")
	if err := s.SetArchived(ctx, archived.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPinned(ctx, pinned.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConversation(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range list {
		titles = append(titles, c.Title)
	}
	if len(list) != 4 || titles[0] != "pinned" || titles[3] != "archived" || !list[3].Archived || !list[0].Pinned {
		t.Fatalf("ListSummaries order: %q", titles)
	}
	for _, c := range list {
		if want := map[string]int{"fresh": 3, "old": 1}[c.Title]; c.Messages != want || c.UpdatedAt == 0 {
			t.Fatalf("%s: %+v", c.Title, c)
		}
	}
}
