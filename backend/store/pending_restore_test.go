package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestScheduledRestoreHappensAtTheNextStartOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	s, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	kept := mustConversation(t, s, "in the backup")
	backup := filepath.Join(dir, "backup.db")
	if err := s.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}
	mustConversation(t, s, "after the backup")
	if err := ScheduleRestore(dbPath, filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("scheduling a missing backup should fail")
	}
	if err := ScheduleRestore(dbPath, backup); err != nil {
		t.Fatal(err)
	}
	// Nothing changes while the app runs.
	if list, _ := s.ListConversations(ctx, ListOptions{}); len(list) != 2 {
		t.Fatalf("the running store changed: %d conversations", len(list))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	restored, err := ApplyScheduledRestore(dbPath)
	if err != nil || restored != backup {
		t.Fatalf("ApplyScheduledRestore = %q, %v", restored, err)
	}
	s, err = Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, _ := s.ListConversations(ctx, ListOptions{})
	if len(list) != 1 || list[0].UID != kept.UID {
		t.Fatalf("after restore: %+v", list)
	}
	if _, err := os.Stat(dbPath + ".before-restore"); err != nil {
		t.Fatalf("the replaced database was not kept: %v", err)
	}
	if again, err := ApplyScheduledRestore(dbPath); err != nil || again != "" {
		t.Fatalf("the restore ran twice: %q, %v", again, err)
	}
}
