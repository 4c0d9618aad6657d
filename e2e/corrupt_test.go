package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestCorruptDatabaseIsSetAsideAndTheUserIsTold: a damaged database at
// start-up is kept aside byte for byte, the window still opens, and it says
// what happened and what to do.
func TestCorruptDatabaseIsSetAsideAndTheUserIsTold(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	dataHome := t.TempDir()
	dbDir := filepath.Join(dataHome, "brook")
	if err := os.MkdirAll(dbDir, 0o700); err != nil {
		t.Fatal(err)
	}
	garbage := bytes.Repeat([]byte("this is not a database "), 500)
	if err := os.WriteFile(filepath.Join(dbDir, "brook.db"), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), dataHome: dataHome, scenario: "status"})
	var status struct {
		OK     bool   `json:"ok"`
		Error  string `json:"error"`
		Notice string `json:"notice"`
	}
	app.waitReport(60*time.Second, &status)
	if !status.OK || !strings.Contains(status.Notice, "damaged") || !strings.Contains(status.Notice, "backup") {
		t.Fatalf("the window did not tell the user: %+v", status)
	}
	aside, _ := filepath.Glob(filepath.Join(dbDir, "brook.db.corrupt-*"))
	var kept bool
	for _, p := range aside {
		if data, err := os.ReadFile(p); err == nil && bytes.Equal(data, garbage) {
			kept = true
		}
	}
	if !kept {
		t.Fatalf("the damaged file was not kept aside untouched: %v", aside)
	}
}

// TestScheduledRestoreAppliesAtTheNextStart: a restore chosen in Settings
// happens when Brook next starts, and the window says so. A second restore
// keeps the database the first one replaced: Settings → Backups lists both
// kept databases, and the notice names the file the latest one was kept as.
func TestScheduledRestoreAppliesAtTheNextStart(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	dataHome := t.TempDir()
	var sent struct{}
	runScenario(t, srv, dataHome, "send", &sent)
	db := openDB(t, filepath.Join(dataHome, "brook", "brook.db"))
	backup := filepath.Join(dataHome, "brook", "backups", "brook-20200101.db")
	if _, err := db.Exec(`VACUUM INTO ?`, backup); err != nil {
		t.Fatal(err)
	}
	db.Close()
	runScenario(t, srv, dataHome, "send", &sent)
	// What SettingsService.RestoreBackup leaves for the next start.
	if err := os.WriteFile(filepath.Join(dataHome, "brook", "brook.db.restore-pending"), []byte(backup), 0o600); err != nil {
		t.Fatal(err)
	}
	var status struct {
		Conversations []string `json:"conversations"`
		Notice        string   `json:"notice"`
	}
	runScenario(t, srv, dataHome, "status", &status)
	if len(status.Conversations) != 1 || !strings.Contains(status.Notice, "Restored the backup brook-20200101.db") {
		t.Fatalf("after the restore: %d conversations, notice %q", len(status.Conversations), status.Notice)
	}

	if err := os.WriteFile(filepath.Join(dataHome, "brook", "brook.db.restore-pending"), []byte(backup), 0o600); err != nil {
		t.Fatal(err)
	}
	var listed struct {
		Notice  string `json:"notice"`
		Backups []struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
		} `json:"backups"`
	}
	runScenario(t, srv, dataHome, "backups", &listed)
	files, _ := filepath.Glob(filepath.Join(dataHome, "brook", "brook.db.before-restore-*"))
	var kept []string
	for _, f := range files {
		if !strings.HasSuffix(f, "-wal") && !strings.HasSuffix(f, "-shm") {
			kept = append(kept, f)
		}
	}
	named := false
	for _, k := range kept {
		named = named || strings.Contains(listed.Notice, "The database it replaced is kept as "+k+" ")
	}
	if len(kept) != 2 || !named {
		t.Fatalf("after a second restore, kept %q; notice %q", kept, listed.Notice)
	}
	shown := 0
	for _, b := range listed.Backups {
		if b.Kind == "before-restore" && strings.Contains(b.Text, "Kept before a restore") && strings.Contains(b.Text, "Delete…") {
			shown++
		}
	}
	if shown != 2 {
		t.Fatalf("Settings → Backups lists %d kept databases, want 2: %+v", shown, listed.Backups)
	}
	// The README's picture of the list.
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), dataHome: dataHome, scenario: "pose:backups"})
	app.waitPose(90 * time.Second)
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	app.screenshotTo(dir, "restore-list")
	app.quit()
}
