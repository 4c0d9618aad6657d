package app

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/store"
)

// TestRestoringTwiceThroughSettings: restore a backup from Settings, start
// again, then restore another; each start-up notice names the file the
// replaced database was kept as, both are listed and restorable, and only
// they can be deleted from the list.
func TestRestoringTwiceThroughSettings(t *testing.T) {
	keyring.MockInit()
	home := t.TempDir()
	ctx := context.Background()

	a := startBackend(t, home, "alpha:latest")
	if _, err := a.store.CreateConversation(ctx, store.Conversation{Title: "the original"}); err != nil {
		t.Fatal(err)
	}
	backup := a.layout.Backups + "/brook-20240101.db"
	if err := a.store.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateConversation(ctx, store.Conversation{Title: "written after the backup"}); err != nil {
		t.Fatal(err)
	}
	var kept []string
	for round := range 2 {
		err := (&SettingsService{a}).RestoreBackup(backup)
		if err != nil {
			t.Fatal(err)
		}
		a.shutdown(ctx)
		a = startBackend(t, home, "alpha:latest")
		notice := (&SettingsService{a}).StartupNotice()
		list, err := (&SettingsService{a}).Backups()
		if err != nil {
			t.Fatal(err)
		}
		var keptNow []string
		for _, b := range list {
			if b.Kind == store.KindBeforeRestore {
				keptNow = append(keptNow, b.Path)
			}
		}
		if len(keptNow) != round+1 || !strings.Contains(notice, "The database it replaced is kept as "+keptNow[0]+" ") {
			t.Fatalf("round %d: notice %q; kept databases listed: %q", round, notice, keptNow)
		}
		kept = append(kept, keptNow[0])
	}
	if kept[0] == kept[1] {
		t.Fatalf("both restores kept the database as %s", kept[0])
	}
	sets := &SettingsService{a}
	// The database from before the first restore is there, and restorable.
	if err := sets.RestoreBackup(kept[0]); err != nil {
		t.Fatal(err)
	}
	if err := sets.DeleteKeptDatabase(kept[0]); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("deleting the database a restore is scheduled for: %v", err)
	}
	if err := sets.DeleteKeptDatabase(backup); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("deleting a daily backup from the list: %v", err)
	}
	if err := sets.DeleteKeptDatabase(kept[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(kept[1]); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the kept database is still there: %v", err)
	}
	a.shutdown(ctx)
	a = startBackend(t, home, "alpha:latest")
	defer a.shutdown(ctx)
	list, err := a.store.ListConversations(ctx, store.ListOptions{})
	if err != nil || len(list) != 2 {
		t.Fatalf("after restoring the first kept database: %+v, %v", list, err)
	}
}
