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
