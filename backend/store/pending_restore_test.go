package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/guard"
)

func TestScheduledRestoreHappensAtTheNextStartOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	kept := mustConversation(t, s, "in the backup")
	backup := filepath.Join(backups, "brook-20240101.db")
	if err := s.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}
	mustConversation(t, s, "after the backup")
	if err := ScheduleRestore(dbPath, backups, filepath.Join(backups, "brook-20230101.db")); err == nil {
		t.Fatal("scheduling a missing backup should fail")
	}
	if err := ScheduleRestore(dbPath, backups, backup); err != nil {
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
	if err != nil || restored.Backup != resolvedPath(t, backup) {
		t.Fatalf("ApplyScheduledRestore = %+v, %v", restored, err)
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
	if _, err := os.Stat(restored.KeptAs); err != nil {
		t.Fatalf("the replaced database was not kept: %v", err)
	}
	if again, err := ApplyScheduledRestore(dbPath); err != nil || again != (Restored{}) {
		t.Fatalf("the restore ran twice: %+v, %v", again, err)
	}
}

func resolvedPath(t *testing.T, path string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRestoreOnlyFromTheBackupsFolder: a restore is scheduled only for one
// of Brook's backups, directly in the backups folder; every other path is
// refused in plain words and schedules nothing.
func TestRestoreOnlyFromTheBackupsFolder(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dbPath := filepath.Join(root, "data", "brook.db")
	backups := filepath.Join(root, "data", "backups")
	outside := filepath.Join(root, "elsewhere")
	for _, d := range []string{backups, outside} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	mustConversation(t, s, "kept")
	// Sound databases, in the folder and outside it.
	good := filepath.Join(backups, "brook-20240102.db")
	for _, p := range []string{good, filepath.Join(outside, "brook-20240101.db"), filepath.Join(backups, "copy.db")} {
		if err := s.BackupTo(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if err := os.WriteFile(filepath.Join(backups, "brook-20240103.db"), []byte("not a database at all, just some text"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(backups, "brook-20240104.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A link in the folder to a backup outside it, and one to a backup inside.
	if err := os.Symlink(filepath.Join(outside, "brook-20240101.db"), filepath.Join(backups, "brook-20240105.db")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(good, filepath.Join(backups, "brook-20240106.db")); err != nil {
		t.Fatal(err)
	}
	// A link to the outside folder, named like the backups folder's child.
	if err := os.Symlink(outside, filepath.Join(backups, "more")); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"outside the backups folder", filepath.Join(outside, "brook-20240101.db"), "not one of Brook's backups"},
		{"the database itself", dbPath, "not one of Brook's backups"},
		{"climbing out with ..", filepath.Join(backups, "..", "..", "elsewhere", "brook-20240101.db"), "not one of Brook's backups"},
		{"raw .. path", backups + "/../../elsewhere/brook-20240101.db", "not one of Brook's backups"},
		{"a link escaping the folder", filepath.Join(backups, "brook-20240105.db"), "not one of Brook's backups"},
		{"through a linked folder", filepath.Join(backups, "more", "brook-20240101.db"), "not one of Brook's backups"},
		{"not named like a backup", filepath.Join(backups, "copy.db"), "not one of Brook's backups"},
		{"not a database", filepath.Join(backups, "brook-20240103.db"), "cannot be restored"},
		{"a folder", filepath.Join(backups, "brook-20240104.db"), "not one of Brook's backups"},
		{"missing", filepath.Join(backups, "brook-20200101.db"), "no longer there"},
		{"relative", "backups/brook-20240102.db", "not a full path"},
		{"empty", "", "not a full path"},
		{"invalid UTF-8", filepath.Join(backups, "brook-\xff.db"), "not UTF-8"},
		{"NUL", filepath.Join(backups, "brook-20240102.db\x00"), "control"},
		{"huge", "/" + strings.Repeat("a/", 5<<20), "at most 4 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ScheduleRestore(dbPath, backups, tt.path)
			if err == nil {
				t.Fatal("scheduled")
			}
			if !errors.Is(err, ErrInvalid) || !errors.Is(err, guard.ErrInvalid) {
				t.Errorf("%v is not ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
			if _, err := os.Stat(dbPath + pendingRestoreFile); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a restore was scheduled anyway: %v", err)
			}
		})
	}

	// A link inside the folder to a backup inside it is that backup.
	if err := ScheduleRestore(dbPath, backups, filepath.Join(backups, "brook-20240106.db")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dbPath + pendingRestoreFile); string(got) != resolvedPath(t, good) {
		t.Fatalf("scheduled %q, want %q", got, good)
	}
	// A harmless detour through .. that ends in the folder is the same backup.
	if err := ScheduleRestore(dbPath, backups, filepath.Join(backups, "..", "backups", "brook-20240102.db")); err != nil {
		t.Fatal(err)
	}
	if err := ScheduleRestore(dbPath, "", good); err == nil {
		t.Fatal("scheduled without knowing the backups folder")
	}
}
