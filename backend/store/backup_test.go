package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBackupToAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	s, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	c := mustConversation(t, s, "before backup")
	mustMessage(t, s, c.ID, RoleUser, "東京タワー in the backup")
	// A streaming answer during the backup is copied as it is.
	if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming, Content: "partial"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := s.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := s.BackupTo(ctx, backup); err != nil { // replacing an existing backup works
		t.Fatal(err)
	}
	if fileExists(backup + ".partial") {
		t.Fatal("temporary backup file left behind")
	}
	later := mustConversation(t, s, "after backup")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	kept, err := RestoreBackup(dbPath, backup)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(kept), "brook.db.before-restore-") || !fileExists(kept) {
		t.Fatalf("current database not kept: %q", kept)
	}
	restored, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	list, err := restored.ListConversations(ctx, ListOptions{})
	if err != nil || len(list) != 1 || list[0].Title != "before backup" {
		t.Fatalf("restored conversations = %+v, %v", list, err)
	}
	messages, err := restored.Messages(ctx, list[0].ID)
	if err != nil || len(messages) != 2 || messages[1].State != StateInterrupted || messages[1].Content != "partial" {
		t.Fatalf("restored messages = %+v, %v", messages, err)
	}
	if ids := searchIDs(t, restored, "東京タワー"); len(ids) != 1 {
		t.Fatalf("search in restored database = %v", ids)
	}
	checkSearchIndex(t, restored)
	restored.Close()

	// The database from before the restore is intact and can be opened.
	aside, err := Open(kept)
	if err != nil {
		t.Fatal(err)
	}
	defer aside.Close()
	if _, err := aside.GetConversation(ctx, later.ID); err != nil {
		t.Fatalf("database kept aside lost data: %v", err)
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	s, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	mustConversation(t, s, "precious")
	s.Close()

	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte("definitely not SQLite, but long enough to have a header......................................................"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{garbage, empty, filepath.Join(dir, "missing.db")} {
		if _, err := RestoreBackup(dbPath, bad); err == nil {
			t.Fatalf("RestoreBackup(%s) succeeded", filepath.Base(bad))
		}
	}
	reopened, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if list, _ := reopened.ListConversations(context.Background(), ListOptions{}); len(list) != 1 {
		t.Fatalf("database changed by a refused restore: %+v", list)
	}
}

func TestEnsureDailyBackupRotates(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	mustConversation(t, s, "kept in backups")
	dir := filepath.Join(t.TempDir(), "backups")
	// Files that merely look similar are never touched.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	unrelated := filepath.Join(dir, "brook-notes.db")
	if err := os.WriteFile(unrelated, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local)
	for i := range 5 {
		now := day.AddDate(0, 0, i)
		path, created, err := s.ensureDailyBackup(ctx, dir, 3, now)
		if err != nil || !created || filepath.Base(path) != "brook-"+now.Format("20060102")+".db" {
			t.Fatalf("day %d: %s, %v, %v", i, path, created, err)
		}
		// A second call the same day does nothing.
		if _, created, err := s.ensureDailyBackup(ctx, dir, 3, now.Add(8*time.Hour)); err != nil || created {
			t.Fatalf("day %d second call: created=%v, %v", i, created, err)
		}
	}
	list, err := ListBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range list {
		names = append(names, filepath.Base(b.Path))
		if b.Size == 0 {
			t.Fatalf("empty backup %s", b.Path)
		}
	}
	want := []string{"brook-20260305.db", "brook-20260304.db", "brook-20260303.db"}
	if !slices.Equal(names, want) {
		t.Fatalf("backups = %v, want %v", names, want)
	}
	if !fileExists(unrelated) {
		t.Fatal("rotation removed an unrelated file")
	}
	if err := checkBackup(list[0].Path); err != nil {
		t.Fatalf("backup is not a sound database: %v", err)
	}
	if _, _, err := s.EnsureDailyBackup(ctx, dir, 0); err == nil {
		t.Fatal("keep=0 accepted")
	}
}
