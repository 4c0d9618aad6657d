package e2e

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"brook/tests/realollama"
	"brook/tools/tinygguf/gguf"
)

// contextReport is what the overflow scenario saw in the window.
type contextReport struct {
	OK             bool   `json:"ok"`
	Error          string `json:"error"`
	ConversationID int64  `json:"conversationId"`
	AnswerID       int64  `json:"answerId"`
	State          string `json:"state"`
	Before         meter  `json:"before"`
	After          meter  `json:"after"`
	Offered        struct {
		Text          string `json:"text"`
		Grow          string `json:"grow"`
		LeaveOut      string `json:"leaveOut"`
		SentMeanwhile bool   `json:"sentMeanwhile"`
	} `json:"offered"`
	Planned struct {
		Used, Reserve, NumCtx, GrowTo int
		LeftOut                       []int64
	} `json:"planned"`
}

type meter struct {
	Figure       string  `json:"figure"`
	Breakdown    string  `json:"breakdown"`
	Used         int     `json:"used"`
	Reserve      int     `json:"reserve"`
	Limit        int     `json:"limit"`
	NumCtx       int     `json:"numCtx"`
	LeftOut      []int64 `json:"leftOut"`
	LastSent     int     `json:"lastSent"`
	NotSentShown []int64 `json:"notSentShown"`
}

// TestContextWindowInTheRealWindow: a conversation that outgrows its
// model's window (the real Ollama's default of 4,096 tokens, for a model
// trained for 16,384) shows the meter, and before the message that does
// not fit is sent, the choice. Each way is taken once: a larger num_ctx,
// and leaving out the oldest message, which the window then marks "not
// sent". Either way Ollama, asked to count exactly what Brook says it sent
// (the messages the window does not mark), counts what it counted for
// Brook's request: nothing was lost without a word.
func TestContextWindowInTheRealWindow(t *testing.T) {
	for _, choice := range []string{"grow", "leave_out"} {
		t.Run(choice, func(t *testing.T) { contextOverflow(t, choice) })
	}
}

func contextOverflow(t *testing.T, choice string) {
	srv := realollama.Start(t)
	shape := gguf.DefaultTiny
	shape.ContextLength = 16384
	ctx := context.Background()
	// Named to sort first, so the window picks it.
	if err := srv.AddShape(ctx, "a-wide", shape, map[string]any{"num_predict": 8, "temperature": 0}); err != nil {
		t.Fatal(err)
	}
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "overflow:" + choice})
	var r contextReport
	app.waitReport(240*time.Second, &r)
	app.screenshot("context-" + choice)
	if !r.OK {
		t.Fatalf("scenario failed: %s", r.Error)
	}
	if r.State != "complete" || !strings.Contains(r.Before.Figure, "of 4.1k tokens") || !strings.Contains(r.Before.Breakdown, "History") {
		t.Fatalf("state %s; meter before %+v", r.State, r.Before)
	}
	if r.Offered.SentMeanwhile || !strings.Contains(r.Offered.Grow, "more memory") || !strings.Contains(r.Offered.LeaveOut, "oldest") {
		t.Fatalf("the choice: %+v", r.Offered)
	}

	db := openDB(t, app.dbPath())
	var promptTokens, leftOut int
	if err := db.QueryRow(`SELECT prompt_tokens, context_left_out FROM messages WHERE id = ?`, r.AnswerID).Scan(&promptTokens, &leftOut); err != nil {
		t.Fatal(err)
	}
	if r.After.LastSent != promptTokens || !strings.Contains(r.After.Breakdown, "counted") {
		t.Fatalf("the window says %d tokens were sent, the answer stores %d: %q", r.After.LastSent, promptTokens, r.After.Breakdown)
	}
	numCtx := 0
	switch choice {
	case "grow":
		numCtx = r.Planned.GrowTo
		if leftOut != 0 || numCtx <= 4096 || promptTokens <= 4096-r.Planned.Reserve || !strings.Contains(r.After.Figure, "window raised") {
			t.Fatalf("grown to %d: Ollama counted %d, %d left out; meter %q", numCtx, promptTokens, leftOut, r.After.Figure)
		}
		ps, err := srv.API().ListRunning(ctx)
		if err != nil || len(ps.Models) == 0 || ps.Models[0].ContextLength != numCtx {
			t.Fatalf("/api/ps = %+v, %v; want num_ctx %d", ps, err, numCtx)
		}
	case "leave_out":
		if leftOut != 1 || promptTokens > 4096 {
			t.Fatalf("%d messages left out; Ollama counted %d", leftOut, promptTokens)
		}
		// The window marks what the next request leaves out, and nothing else.
		if len(r.After.NotSentShown) == 0 || !sameIDs(r.After.NotSentShown, r.After.LeftOut) {
			t.Fatalf("marked not sent %v, the plan leaves out %v", r.After.NotSentShown, r.After.LeftOut)
		}
	}
	// Ask Ollama to count exactly what Brook says it sent: the conversation
	// up to the question, without the messages it says it left out.
	ms := messages(t, db)
	var sent []api.Message
	for _, m := range ms {
		if m.ConversationID == r.ConversationID && m.ID < r.AnswerID && m.State == "complete" {
			sent = append(sent, api.Message{Role: m.Role, Content: m.Content})
		}
	}
	sent = sent[leftOut:]
	recount := countPrompt(t, srv, sent, numCtx)
	if recount != promptTokens {
		t.Fatalf("Ollama counted %d for Brook's request, and %d for what Brook says it sent", promptTokens, recount)
	}
	// The meter's estimate before sending was close to it.
	said := r.Planned.Used - r.Planned.Reserve
	if choice == "grow" && math.Abs(float64(said-promptTokens))/float64(promptTokens) > 0.05 {
		t.Errorf("the meter said %d tokens, Ollama counted %d", said, promptTokens)
	}
	t.Logf("%s: meter %q; Ollama counted %d, recounted %d; the meter said %d before sending", choice, r.After.Figure, promptTokens, recount, said)
}

// TestContextChoiceScreenshot photographs the choice a conversation that
// outgrew the real Ollama's window asks before sending, with the meter's
// breakdown open (docs/screenshots/context-choice.png with make screenshots).
func TestContextChoiceScreenshot(t *testing.T) {
	srv := realollama.Start(t)
	shape := gguf.DefaultTiny
	shape.ContextLength = 16384
	if err := srv.AddShape(context.Background(), "a-wide", shape, map[string]any{"num_predict": 8, "temperature": 0}); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "pose:context-choice"})
	var posed struct{ Figure string }
	if err := json.Unmarshal(app.waitPose(240*time.Second), &posed); err != nil {
		t.Fatal(err)
	}
	path := app.screenshotTo(dir, "context-choice")
	// While the choice is asked, the meter measures against the window as
	// it is, not as a send without a choice would grow it.
	if !strings.Contains(posed.Figure, "of 4.1k tokens") || strings.Contains(posed.Figure, "raised") {
		t.Errorf("the meter says %q while the choice is asked; want the conversation against the 4.1k window", posed.Figure)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() < 10_000 {
		t.Fatalf("no usable screenshot at %s: %v", path, err)
	}
	app.quit()
}

// countPrompt asks the server to read msgs and returns what it counted.
func countPrompt(t *testing.T, srv *realollama.Server, msgs []api.Message, numCtx int) int {
	t.Helper()
	stream, truncate := false, false
	opts := map[string]any{"num_predict": 1}
	if numCtx > 0 {
		opts["num_ctx"] = numCtx
	}
	var n int
	err := srv.API().Chat(context.Background(), &api.ChatRequest{Model: "a-wide", Messages: msgs, Stream: &stream, Truncate: &truncate, Options: opts},
		func(r api.ChatResponse) error { n = r.PromptEvalCount; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]bool{}
	for _, id := range a {
		seen[id] = true
	}
	for _, id := range b {
		if !seen[id] {
			return false
		}
	}
	return true
}
