package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"brook/backend/chat"
	"brook/backend/providertest"
)

// shown is one message as the window displays it.
type shown struct {
	ID    int64  `json:"id"`
	Role  string `json:"role"`
	State string `json:"state"`
	Text  string `json:"text"`
	Plain string `json:"plain"`
}

type scenarioResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

// runScenario launches Brook in test mode against srv and decodes its report.
func runScenario(t *testing.T, srv *providertest.Server, dataHome, scenario string, into any, extra ...string) *brook {
	t.Helper()
	l := launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), dataHome: dataHome, scenario: scenario, extraEnv: extra}
	app := start(t, l)
	var raw json.RawMessage
	app.waitReport(90*time.Second, &raw)
	var res scenarioResult
	if err := json.Unmarshal(raw, &res); err != nil || !res.OK {
		t.Fatalf("scenario %s failed: %s (%v)", scenario, res.Error, err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatal(err)
	}
	return app
}

const plainAnswer = providertest.DefaultAnswer // no Markdown: shown text equals stored text

func TestRecoveredAnswerIsShownOnceAndWhole(t *testing.T) {
	for _, fault := range []providertest.Fault{providertest.DropMidLine, providertest.CleanEndNoMarker} {
		t.Run(fault.String(), func(t *testing.T) {
			srv := providertest.NewOllama(providertest.Script{Fault: fault, FaultAfterTokens: 5, TokenDelay: 20 * time.Millisecond})
			defer srv.Close()
			var r struct {
				AnswerID    int64  `json:"answerId"`
				AnswerPlain string `json:"answerPlain"`
				State       string `json:"state"`
			}
			app := runScenario(t, srv, t.TempDir(), "send", &r)
			if r.State != "complete" || r.AnswerPlain != plainAnswer {
				t.Fatalf("window shows %q (%s), want the whole answer once: %q", r.AnswerPlain, r.State, plainAnswer)
			}
			ms := waitMessages(t, app.dbPath(), 5*time.Second, func([]storedMessage) bool { return true })
			if len(ms) != 2 || ms[1].Content != plainAnswer || !ms[1].Recovered {
				t.Fatalf("stored %+v", ms)
			}
			if n := len(srv.ChatRequestsBut(false, chat.TitlePrompt)); n != 1 {
				t.Fatalf("want exactly one non-streaming recovery request, got %d", n)
			}
		})
	}
}

func TestStopInTheWindow(t *testing.T) {
	long := strings.Repeat("A long answer that the user will stop. ", 30)
	srv := providertest.NewOllama(providertest.Script{Answer: long, Tokens: providertest.SplitTokens(long, 3), TokenDelay: 40 * time.Millisecond})
	defer srv.Close()
	var r struct {
		AnswerID    int64  `json:"answerId"`
		State       string `json:"state"`
		AnswerPlain string `json:"answerPlain"`
	}
	app := runScenario(t, srv, t.TempDir(), "stop", &r)
	ms := waitMessages(t, app.dbPath(), 5*time.Second, func([]storedMessage) bool { return true })
	answer := ms[len(ms)-1]
	if r.State != "stopped" || answer.State != "stopped" {
		t.Fatalf("window state %q, stored %q; want stopped", r.State, answer.State)
	}
	if answer.Content == "" || answer.Content == long || !strings.HasPrefix(long, answer.Content) {
		t.Fatalf("stopped text %q is not a strict partial", answer.Content)
	}
	if strings.TrimSpace(answer.Content) != r.AnswerPlain {
		t.Fatalf("window shows %q, stored %q", r.AnswerPlain, answer.Content)
	}
	if n := len(srv.ChatRequests(false)); n != 0 {
		t.Fatalf("Stop made %d fallback requests", n)
	}
}

// TestRetryWithTheServerDownKeepsTheOldVersion: the server breaks an
// answer, then goes down; Retry in the window makes a new version that
// fails too, and the interrupted one is still there, text and all, one
// version away.
func TestRetryWithTheServerDownKeepsTheOldVersion(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 3,
		NonStreamFailures: 100, DownAfterStreams: 1, TokenDelay: 10 * time.Millisecond})
	defer srv.Close()
	type version struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
		Plain string `json:"plain"`
		Count string `json:"count"`
	}
	var r struct {
		First version `json:"first"`
		Retry version `json:"retry"`
		Back  version `json:"back"`
	}
	app := runScenario(t, srv, t.TempDir(), "retry-down", &r)
	if r.First.State != "interrupted" || r.First.Plain == "" {
		t.Fatalf("setup: the first answer is %+v, want interrupted with text", r.First)
	}
	if r.Retry.ID == r.First.ID || r.Retry.State == "complete" || r.Retry.Count != "2 / 2" {
		t.Fatalf("the retry with the server down = %+v", r.Retry)
	}
	if r.Back.ID != r.First.ID || r.Back.Plain != r.First.Plain || r.Back.State != "interrupted" || r.Back.Count != "1 / 2" {
		t.Fatalf("back to the first version: %+v, want %+v", r.Back, r.First)
	}
	ms := waitMessages(t, app.dbPath(), 5*time.Second, func([]storedMessage) bool { return true })
	if len(ms) != 3 || ms[1].Content != r.First.Plain || ms[1].State != "interrupted" || ms[2].ParentID != ms[0].ID || ms[1].ParentID != ms[0].ID {
		t.Fatalf("stored %+v", ms)
	}
}

// TestRegenerateTwiceAndStepThroughVersions: two Regenerates make three
// versions, shown one at a time; ‹ steps back through them to 1 / 3.
func TestRegenerateTwiceAndStepThroughVersions(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{TokenDelay: 5 * time.Millisecond, Sampling: true})
	defer srv.Close()
	type step struct {
		ID    int64  `json:"id"`
		Count string `json:"count"`
		Plain string `json:"plain"`
	}
	var r struct {
		First        int64  `json:"first"`
		Steps        []step `json:"steps"`
		PrevDisabled bool   `json:"prevDisabled"`
	}
	app := runScenario(t, srv, t.TempDir(), "versions", &r)
	if len(r.Steps) != 3 || r.Steps[0].Count != "3 / 3" || r.Steps[1].Count != "2 / 3" || r.Steps[2].Count != "1 / 3" ||
		r.Steps[2].ID != r.First || !r.PrevDisabled {
		t.Fatalf("stepping through the versions: %+v (‹ disabled at the first: %v)", r.Steps, r.PrevDisabled)
	}
	ms := waitMessages(t, app.dbPath(), 5*time.Second, func([]storedMessage) bool { return true })
	if len(ms) != 4 {
		t.Fatalf("stored %+v", ms)
	}
	byID := map[int64]storedMessage{}
	for _, m := range ms[1:] {
		byID[m.ID] = m
		if m.ParentID != ms[0].ID || m.State != "complete" {
			t.Fatalf("a version stored as %+v", m)
		}
	}
	for _, st := range r.Steps {
		if byID[st.ID].Content != st.Plain {
			t.Fatalf("version %d shows %q, stored %q", st.ID, st.Plain, byID[st.ID].Content)
		}
	}
}

// TestEditAndResendThenSwitchBack: an edited question is a version of the
// question in the same conversation, with its own answer; switching back
// shows the original question and its answer.
func TestEditAndResendThenSwitchBack(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{TokenDelay: 10 * time.Millisecond})
	defer srv.Close()
	var r struct {
		Same           bool    `json:"sameConversation"`
		EditedCount    string  `json:"editedCount"`
		OriginalCount  string  `json:"originalCount"`
		EditedBranch   []shown `json:"editedBranch"`
		OriginalBranch []shown `json:"originalBranch"`
	}
	app := runScenario(t, srv, t.TempDir(), "edit-versions", &r)
	if !r.Same || r.EditedCount != "2 / 2" || len(r.EditedBranch) != 2 || r.EditedBranch[0].Plain != "Edited question" || r.EditedBranch[1].Plain != plainAnswer {
		t.Fatalf("after the edit the window shows %+v (%s)", r.EditedBranch, r.EditedCount)
	}
	if r.OriginalCount != "1 / 2" || len(r.OriginalBranch) != 2 || r.OriginalBranch[0].Plain != "Original question" || r.OriginalBranch[1].Plain != plainAnswer {
		t.Fatalf("back on the original branch the window shows %+v (%s)", r.OriginalBranch, r.OriginalCount)
	}
	ms := waitMessages(t, app.dbPath(), 5*time.Second, func([]storedMessage) bool { return true })
	if len(ms) != 4 || ms[0].ConversationID != ms[3].ConversationID || ms[2].Content != "Edited question" || ms[2].ParentID != 0 || ms[3].ParentID != ms[2].ID {
		t.Fatalf("stored %+v", ms)
	}
	// The edited question was sent alone, not after the original exchange.
	reqs := srv.ChatRequests(true)
	if msgs := reqs[len(reqs)-1].Body["messages"].([]any); len(msgs) != 1 {
		t.Fatalf("the edited question went with %d messages", len(msgs))
	}
}

func TestSwitchingConversationsWhileAnswerStreams(t *testing.T) {
	long := strings.Repeat("Streaming on while you look elsewhere. ", 12)
	srv := providertest.NewOllama(providertest.Script{Answer: long, Tokens: providertest.SplitTokens(long, 3), TokenDelay: 25 * time.Millisecond})
	defer srv.Close()
	var r struct {
		A struct {
			ConversationID int64  `json:"conversationId"`
			State          string `json:"state"`
			Plain          string `json:"plain"`
		} `json:"a"`
		B struct {
			ConversationID int64  `json:"conversationId"`
			State          string `json:"state"`
			Plain          string `json:"plain"`
		} `json:"b"`
	}
	app := runScenario(t, srv, t.TempDir(), "switch", &r)
	want := strings.TrimSpace(long)
	if r.A.State != "complete" || r.A.Plain != want || r.B.State != "complete" || r.B.Plain != want {
		t.Fatalf("after switching: A %s %q, B %s %q", r.A.State, r.A.Plain, r.B.State, r.B.Plain)
	}
	for _, m := range waitMessages(t, app.dbPath(), 5*time.Second, func([]storedMessage) bool { return true }) {
		if m.Role == "assistant" && (m.State != "complete" || m.Content != long) {
			t.Fatalf("stored answer %+v", m)
		}
	}
}

func TestSearchOpensTheHit(t *testing.T) {
	answer := "東京タワー is 333 m tall; fmt.Println prints it."
	srv := providertest.NewOllama(providertest.Script{Answer: answer, Tokens: providertest.SplitTokens(answer, 3)})
	defer srv.Close()
	dataHome := t.TempDir()
	var sent struct {
		ConversationID int64 `json:"conversationId"`
		AnswerID       int64 `json:"answerId"`
	}
	runScenario(t, srv, dataHome, "send", &sent)
	for _, q := range []string{"東京タワー", "fmt.Println"} {
		var r struct {
			Hits                 int   `json:"hits"`
			ConversationID       int64 `json:"conversationId"`
			HighlightedMessageID int64 `json:"highlightedMessageId"`
		}
		runScenario(t, srv, dataHome, "search:"+q, &r)
		if r.Hits < 1 || r.ConversationID != sent.ConversationID || r.HighlightedMessageID != sent.AnswerID {
			t.Fatalf("search %q: %+v; want conversation %d message %d", q, r, sent.ConversationID, sent.AnswerID)
		}
	}
}

func TestExportFromTheWindow(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: "Export me: `code` and <script>alert(1)</script>."})
	defer srv.Close()
	dataHome, exportDir := t.TempDir(), t.TempDir()
	var sent struct{}
	runScenario(t, srv, dataHome, "send", &sent)
	var r struct {
		Paths map[string]string `json:"paths"`
	}
	runScenario(t, srv, dataHome, "export", &r, "BROOK_TEST_EXPORT_DIR="+exportDir)
	for _, format := range []string{"markdown", "json", "html"} {
		path := r.Paths[format]
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s export %q: %v", format, path, err)
		}
		if !strings.Contains(string(data), "Export me") {
			t.Fatalf("%s export lacks the answer", format)
		}
		if format == "html" && strings.Contains(string(data), "<script>") {
			t.Fatalf("the HTML export contains a script element")
		}
		if format == "json" && !json.Valid(data) {
			t.Fatalf("the JSON export is not valid JSON")
		}
	}
}

// TestThinkingSectionInTheWindow: a model that reasons first. The window's
// Thinking section streams open, folds when the answer starts, says how long
// the model thought, and opens again; the reasoning is stored with the answer.
func TestThinkingSectionInTheWindow(t *testing.T) {
	reasoning := "The user wants a greeting. Let me think about the tone: friendly, short. " +
		"I should also mention where I am running, the loopback. That settles it."
	srv := providertest.NewOllama(providertest.Script{Reasoning: reasoning, TokenDelay: 40 * time.Millisecond, Answer: "Hello from the loopback!"})
	defer srv.Close()
	var r struct {
		scenarioResult
		LiveText                string `json:"liveText"`
		FoldedWhenAnswerStarted bool   `json:"foldedWhenAnswerStarted"`
		Label                   string `json:"label"`
		Reopened                bool   `json:"reopened"`
		ReopenedText            string `json:"reopenedText"`
		State                   string `json:"state"`
		AnswerText              string `json:"answerText"`
	}
	app := runScenario(t, srv, t.TempDir(), "thinking", &r)
	if !r.OK {
		t.Fatalf("scenario failed: %s", r.Error)
	}
	if r.LiveText == "" || !strings.HasPrefix(reasoning, strings.TrimSpace(r.LiveText)[:20]) {
		t.Fatalf("live reasoning shown %q", r.LiveText)
	}
	if !r.FoldedWhenAnswerStarted || !strings.HasPrefix(r.Label, "Thought for") || !r.Reopened || r.ReopenedText != reasoning {
		t.Fatalf("folded %v, label %q, reopened %v with %q", r.FoldedWhenAnswerStarted, r.Label, r.Reopened, r.ReopenedText)
	}
	if r.State != "complete" || r.AnswerText != "Hello from the loopback!" {
		t.Fatalf("answer %s %q", r.State, r.AnswerText)
	}
	db := openDB(t, app.dbPath())
	var stored string
	if err := db.QueryRow(`SELECT reasoning FROM messages WHERE role = 'assistant'`).Scan(&stored); err != nil || stored != reasoning {
		t.Fatalf("stored reasoning %q (%v)", stored, err)
	}
}

// TestVisionInTheWindow attaches a picture made in the page to a question for
// a vision model: the fake model answers with a digest of the bytes it got,
// which must be the picture's; the history shows the picture, and a second
// turn sends it again.
func TestVisionInTheWindow(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Models: []string{providertest.VisionModel}})
	defer srv.Close()
	var r struct {
		State         string `json:"state"`
		AnswerText    string `json:"answerText"`
		SentSha8      string `json:"sentSha8"`
		AttachedLeft  int    `json:"attachedLeft"`
		HistoryImages int    `json:"historyImages"`
		SecondState   string `json:"secondState"`
		SecondAnswer  string `json:"secondAnswerText"`
	}
	runScenario(t, srv, t.TempDir(), "vision", &r)
	if r.State != "complete" || !strings.Contains(r.AnswerText, "saw 1 image") || r.SentSha8 == "" || !strings.Contains(r.AnswerText, r.SentSha8) {
		t.Fatalf("answer %q (%s); want the model to have seen 1 image with sha256 %s", r.AnswerText, r.State, r.SentSha8)
	}
	if r.AttachedLeft != 0 || r.HistoryImages != 1 {
		t.Fatalf("after sending: %d images still attached, %d in the history; want 0 and 1", r.AttachedLeft, r.HistoryImages)
	}
	// The second turn attached nothing; the model still sees the first turn's picture.
	if r.SecondState != "complete" || !strings.Contains(r.SecondAnswer, "saw 1 image: sha256 "+r.SentSha8) {
		t.Fatalf("second answer %q (%s); want the history's picture sent again (sha256 %s)", r.SecondAnswer, r.SecondState, r.SentSha8)
	}
}
