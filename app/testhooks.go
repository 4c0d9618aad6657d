//go:build testhooks

package app

import (
	"errors"
	"net/http"
	"os"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// TestService runs end-to-end scenarios through the real UI. It exists only
// in builds with the testhooks tag (make test builds one beside the release
// binary).
type TestService struct{ a *App }

func init() {
	testHooks = hooks{
		services:   func(a *App) []any { return []any{&TestService{a}} },
		exportDir:  func() string { return os.Getenv("BROOK_TEST_EXPORT_DIR") },
		importFile: func() string { return os.Getenv("BROOK_TEST_IMPORT_FILE") },
		assets:     http.HandlerFunc(serveTestAsset),
	}
}

// axePath is where the window finds axe-core for the accessibility audit.
const axePath = "/test/axe.min.js"

// serveTestAsset serves axe-core from the file BROOK_TEST_AXE names (the
// e2e harness points it at frontend/node_modules): a test build reads it
// from disk, so the release binary carries none of it.
func serveTestAsset(w http.ResponseWriter, r *http.Request) {
	file := os.Getenv("BROOK_TEST_AXE")
	if r.URL.Path != axePath || file == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/javascript")
	http.ServeFile(w, r, file)
}

// Scenario names the end-to-end scenario the UI should run, or "".
func (s *TestService) Scenario() string { return os.Getenv("BROOK_TEST_SCENARIO") }

// Mark writes "test mark" with what to the log: a scenario says it reached
// a state (a preview on screen) that the test then photographs or answers
// with real input.
func (s *TestService) Mark(what string) {
	if len(what) > 200 {
		what = what[:200]
	}
	s.a.log.Info("test mark", "what", what)
}

// maxReportBytes bounds a scenario's report.
const maxReportBytes = 64 << 20

// Report writes a scenario's report and quits. It does nothing outside test mode.
func (s *TestService) Report(report string) error {
	path := os.Getenv("BROOK_TEST_REPORT")
	if os.Getenv("BROOK_TEST_SCENARIO") == "" || path == "" {
		return errors.New("not in test mode")
	}
	if len(report) > maxReportBytes {
		return errors.New("the report is too big")
	}
	if err := os.WriteFile(path, []byte(report), 0o600); err != nil {
		return err
	}
	// A posed state stays on screen for its screenshot; the test closes Brook.
	// A scenario that reports has chosen to quit, whatever is still coming.
	if !strings.HasPrefix(os.Getenv("BROOK_TEST_SCENARIO"), "pose") {
		s.a.quitChosen.Store(true)
		go runtime.Quit(s.a.ctx)
	}
	return nil
}
