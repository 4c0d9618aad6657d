package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"brook/tests/realollama"
)

// TestRealWindowAgainstRealOllama sends a message through the real window to
// a real Ollama server running the tiny generated model.
func TestRealWindowAgainstRealOllama(t *testing.T) {
	srv := realollama.Start(t)
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "send"})
	var raw json.RawMessage
	app.waitReport(90*time.Second, &raw)
	var r struct {
		OK          bool   `json:"ok"`
		Error       string `json:"error"`
		State       string `json:"state"`
		AnswerPlain string `json:"answerPlain"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || !r.OK {
		t.Fatalf("scenario failed: %s %v", r.Error, err)
	}
	ms := waitMessages(t, app.dbPath(), 5*time.Second, func([]storedMessage) bool { return true })
	if len(ms) != 2 || ms[1].State != "complete" || strings.TrimSpace(ms[1].Content) == "" {
		t.Fatalf("stored %+v", ms)
	}
	if r.State != "complete" || r.AnswerPlain == "" {
		t.Fatalf("window shows %s %q", r.State, r.AnswerPlain)
	}
	t.Logf("real model answered in the window: %q", r.AnswerPlain)
}
