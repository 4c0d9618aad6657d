package chat

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"brook/backend/events"
	"brook/backend/providertest"
	"brook/backend/store"
	"brook/backend/tools"
)

// fakeCatalog lists fixed tools.
type fakeCatalog []tools.Tool

func (c fakeCatalog) Available(context.Context) ([]tools.Tool, error) { return c, nil }

// fakeRunner runs calls by a function of the test's choosing and counts them.
type fakeRunner struct {
	mu      sync.Mutex
	runs    []string // the arguments of each run, in order
	run     func(ctx context.Context, args json.RawMessage) (tools.Result, error)
	started chan struct{} // gets a value as each run starts, when not nil
}

func (r *fakeRunner) Run(ctx context.Context, tool tools.Tool, args json.RawMessage) (tools.Result, error) {
	r.mu.Lock()
	r.runs = append(r.runs, tool.Name+" "+string(args))
	r.mu.Unlock()
	if r.started != nil {
		r.started <- struct{}{}
	}
	if r.run != nil {
		return r.run(ctx, args)
	}
	return tools.Result{Text: "hello from the file"}, nil
}

func (r *fakeRunner) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.runs)
}

// fakeApprover answers every call with its decision and counts the asks.
type fakeApprover struct {
	mu       sync.Mutex
	decision Decision
	asked    []ApprovalRequest
}

func (a *fakeApprover) Approve(_ context.Context, req ApprovalRequest) (Decision, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, req)
	return a.decision, nil
}

func (a *fakeApprover) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.asked)
}

var readFile = tools.Tool{ServerID: "fs", ServerName: "Files", Name: "read_text_file", ModelName: "read_text_file",
	Description: "Read a text file", InputSchema: json.RawMessage(`{"type":"object","properties":{"path":{"type":"string"}}}`)}

const fileAnswer = "The file says: hello from the file."

func readCall(id string) providertest.ScriptToolCall {
	return providertest.ScriptToolCall{ID: id, Name: "read_text_file", Arguments: `{"path":"/tmp/notes.txt"}`, Pieces: 3}
}

// toolHarness is a harness whose engine has the tools, and a conversation
// on endpoint "ep" with every tool enabled.
func toolHarness(t *testing.T, p wireProtocol, sc providertest.Script, ts ToolSet, adjust func(*Config)) (*harness, *providertest.Server, store.Conversation) {
	t.Helper()
	srv := p.newServer(sc)
	t.Cleanup(srv.Close)
	h := newHarnessWith(t, fixedProviders{"ep": p.newClient(srv.URL)}, adjust)
	h.engine.SetTools(ts)
	conv, err := h.store.CreateConversation(context.Background(), store.Conversation{Title: "tools", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := ts.Catalog.(fakeCatalog)
	for _, tool := range cat {
		if err := h.store.SetConversationTool(context.Background(), conv.ID, tool.ServerID, tool.Name, true); err != nil {
			t.Fatal(err)
		}
	}
	return h, srv, conv
}

// ask sends text in conv, waits for every round, and returns the path shown.
func (h *harness) ask(conv store.Conversation, text string) []store.Message {
	h.t.Helper()
	res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: conv.ID, Text: text})
	if err != nil {
		h.t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	h.engine.WaitIdle()
	path, err := h.store.ShownPath(context.Background(), conv.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return path
}

// toolMessages are the tool-role messages of a recorded chat request.
func toolMessages(req providertest.Request) []map[string]any {
	var out []map[string]any
	msgs, _ := req.Body["messages"].([]any)
	for _, m := range msgs {
		if mm, _ := m.(map[string]any); mm["role"] == "tool" {
			out = append(out, mm)
		}
	}
	return out
}

func chatRequests(srv *providertest.Server) []providertest.Request {
	var out []providertest.Request
	for _, r := range srv.Requests() {
		if r.N > 0 {
			out = append(out, r)
		}
	}
	return out
}

func TestToolCallAllowedOnceRunsAndTheModelAnswersFromIt(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			runner := &fakeRunner{}
			approver := &fakeApprover{decision: DecisionAllowOnce}
			sc := providertest.Script{Answer: fileAnswer, ToolCalls: []providertest.ScriptToolCall{readCall("call_1")}, ToolCallsOnce: true}
			h, srv, conv := toolHarness(t, p, sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: approver}, func(*Config) {})
			path := h.ask(conv, "What does /tmp/notes.txt say?")
			if len(path) != 3 {
				t.Fatalf("path = %d messages, want question, call, answer", len(path))
			}
			call, answer := path[1], path[2]
			if len(call.ToolCalls) != 1 || call.ToolCalls[0].Status != store.ToolCallDone || call.ToolCalls[0].Result != "hello from the file" ||
				call.ToolCalls[0].Server != "Files" {
				t.Errorf("calls = %+v", call.ToolCalls)
			}
			if answer.Content != fileAnswer || answer.State != store.StateComplete || answer.ParentID != call.ID {
				t.Errorf("answer = %q %s (parent %d)", answer.Content, answer.State, answer.ParentID)
			}
			if runner.count() != 1 || approver.count() != 1 {
				t.Errorf("runs %d, asks %d; want one each", runner.count(), approver.count())
			}
			if got := approver.asked[0]; got.Call.Arguments != `{"path":"/tmp/notes.txt"}` || got.Tool.Name != "read_text_file" {
				t.Errorf("asked about %+v", got)
			}
			reqs := chatRequests(srv)
			if len(reqs) != 2 {
				t.Fatalf("%d chat requests, want 2", len(reqs))
			}
			if _, ok := reqs[0].Body["tools"]; !ok {
				t.Error("the first request offered no tools")
			}
			results := toolMessages(reqs[1])
			if len(results) != 1 || results[0]["content"] != "hello from the file" {
				t.Errorf("results sent back = %v", results)
			}
			// A later question sends the call and its result again, read
			// back from the store, where the result is a tool message of its
			// own linked to the call.
			h.ask(conv, "Thanks")
			if results := toolMessages(chatRequests(srv)[2]); len(results) != 1 || results[0]["content"] != "hello from the file" {
				t.Errorf("a later turn sent results %v", results)
			}
		})
	}
}

func TestToolCallAlwaysAllowedInChatAsksOnce(t *testing.T) {
	p := protocols[1]
	runner := &fakeRunner{}
	approver := &fakeApprover{decision: DecisionAlwaysInChat}
	sc := providertest.Script{Answer: fileAnswer, ToolCallsOnce: true,
		ToolCalls: []providertest.ScriptToolCall{readCall("call_a"), readCall("call_b")}}
	h, _, conv := toolHarness(t, p, sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: approver}, func(*Config) {})
	h.ask(conv, "Read it twice")
	if runner.count() != 2 || approver.count() != 1 {
		t.Errorf("runs %d, asks %d; want 2 runs and 1 ask", runner.count(), approver.count())
	}
	settings, err := h.store.ConversationTools(context.Background(), conv.ID)
	if err != nil || len(settings) != 1 || !settings[0].AlwaysAllowed {
		t.Errorf("settings = %+v, %v", settings, err)
	}
	h.ask(conv, "And again")
	if approver.count() != 1 || runner.count() != 4 {
		t.Errorf("after always-allow: runs %d, asks %d", runner.count(), approver.count())
	}
}

func TestToolAlwaysAllowedInSettingsIsNotAsked(t *testing.T) {
	runner := &fakeRunner{}
	approver := &fakeApprover{decision: DecisionDeny}
	tool := readFile
	tool.AlwaysAllowed = true
	sc := providertest.Script{Answer: fileAnswer, ToolCallsOnce: true, ToolCalls: []providertest.ScriptToolCall{readCall("c")}}
	h, _, conv := toolHarness(t, protocols[0], sc, ToolSet{Catalog: fakeCatalog{tool}, Runner: runner, Approver: approver}, func(*Config) {})
	h.ask(conv, "read")
	if runner.count() != 1 || approver.count() != 0 {
		t.Errorf("runs %d, asks %d", runner.count(), approver.count())
	}
}

func TestToolCallDeniedTellsTheModel(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			runner := &fakeRunner{}
			sc := providertest.Script{Answer: "I could not read it.", ToolCallsOnce: true, ToolCalls: []providertest.ScriptToolCall{readCall("call_1")}}
			h, srv, conv := toolHarness(t, p, sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionDeny}}, func(*Config) {})
			path := h.ask(conv, "read")
			if runner.count() != 0 {
				t.Errorf("a denied call ran %d times", runner.count())
			}
			if c := path[1].ToolCalls[0]; c.Status != store.ToolCallDenied || c.Result != ResultDeclined {
				t.Errorf("call = %+v", c)
			}
			results := toolMessages(chatRequests(srv)[1])
			if len(results) != 1 || results[0]["content"] != ResultDeclined {
				t.Errorf("results = %v", results)
			}
		})
	}
}

func TestToolCallTimesOut(t *testing.T) {
	runner := &fakeRunner{run: func(ctx context.Context, _ json.RawMessage) (tools.Result, error) {
		<-ctx.Done()
		return tools.Result{}, ctx.Err()
	}}
	sc := providertest.Script{Answer: "It took too long.", ToolCallsOnce: true, ToolCalls: []providertest.ScriptToolCall{readCall("c")}}
	h, srv, conv := toolHarness(t, protocols[0], sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionAllowOnce}},
		func(c *Config) { c.ToolTimeout = 50 * time.Millisecond })
	path := h.ask(conv, "read")
	if c := path[1].ToolCalls[0]; c.Status != store.ToolCallTimedOut || !strings.Contains(c.Result, "timed out") {
		t.Errorf("call = %+v", c)
	}
	if len(path) != 3 || path[2].Content != "It took too long." {
		t.Errorf("the model was not asked on after the timeout: %d messages", len(path))
	}
	if len(chatRequests(srv)) != 2 {
		t.Errorf("%d chat requests", len(chatRequests(srv)))
	}
	// The running call was announced with its timeout.
	var running bool
	for _, ev := range h.recorder.Events() {
		if te, ok := ev.Payload.(events.ToolEvent); ok && te.Phase == events.ToolRunning && te.TimeoutMs == 50 {
			running = true
		}
	}
	if !running {
		t.Error("no running event carried the timeout")
	}
}

func TestStopDuringAToolCallCancelsItAndTheAnswer(t *testing.T) {
	runner := &fakeRunner{started: make(chan struct{}, 1), run: func(ctx context.Context, _ json.RawMessage) (tools.Result, error) {
		<-ctx.Done()
		return tools.Result{}, ctx.Err()
	}}
	sc := providertest.Script{Answer: "never", ToolCallsOnce: true, ToolCalls: []providertest.ScriptToolCall{readCall("c")}}
	h, srv, conv := toolHarness(t, protocols[1], sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionAllowOnce}}, func(*Config) {})
	res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: conv.ID, Text: "read"})
	if err != nil {
		t.Fatal(err)
	}
	<-runner.started
	if !h.engine.Stop(res.Answer.ID) {
		t.Fatal("Stop found no answer")
	}
	h.engine.Wait(res.Answer.ID)
	got, err := h.store.GetMessage(context.Background(), res.Answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.StateStopped || got.ToolCalls[0].Status != store.ToolCallCancelled {
		t.Errorf("answer %s, call %+v", got.State, got.ToolCalls[0])
	}
	if n := len(chatRequests(srv)); n != 1 {
		t.Errorf("%d chat requests after Stop, want 1", n)
	}
}

func TestCancelOneToolCall(t *testing.T) {
	runner := &fakeRunner{started: make(chan struct{}, 1), run: func(ctx context.Context, _ json.RawMessage) (tools.Result, error) {
		<-ctx.Done()
		return tools.Result{}, ctx.Err()
	}}
	sc := providertest.Script{Answer: "Cancelled, then.", ToolCallsOnce: true, ToolCalls: []providertest.ScriptToolCall{readCall("c")}}
	h, _, conv := toolHarness(t, protocols[0], sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionAllowOnce}}, func(*Config) {})
	res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: conv.ID, Text: "read"})
	if err != nil {
		t.Fatal(err)
	}
	<-runner.started
	if !h.engine.CancelToolCall(res.Answer.ID, "c") {
		t.Fatal("no such running call")
	}
	h.engine.Wait(res.Answer.ID)
	h.engine.WaitIdle()
	path, _ := h.store.ShownPath(context.Background(), conv.ID)
	if c := path[1].ToolCalls[0]; c.Status != store.ToolCallCancelled || c.Result != resultCancelled {
		t.Errorf("call = %+v", c)
	}
	if len(path) != 3 || path[2].Content != "Cancelled, then." {
		t.Errorf("the answer did not go on after the cancelled call")
	}
}

func TestUnknownToolAndBadArgumentsRunNothing(t *testing.T) {
	runner := &fakeRunner{run: func(context.Context, json.RawMessage) (tools.Result, error) {
		return tools.Result{}, &tools.ArgumentsError{Tool: "read_text_file", Reason: "missing property path"}
	}}
	sc := providertest.Script{Answer: "Sorry.", ToolCallsOnce: true, ToolCalls: []providertest.ScriptToolCall{
		{ID: "a", Name: "delete_everything", Arguments: `{}`},
		{ID: "b", Name: "read_text_file", Arguments: `not json`},
		{ID: "c", Name: "read_text_file", Arguments: `{"file":"x"}`},
	}}
	for _, p := range protocols[1:] { // Ollama's arguments are always an object.
		h, srv, conv := toolHarness(t, p, sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionAllowOnce}}, func(*Config) {})
		path := h.ask(conv, "go")
		calls := path[1].ToolCalls
		if calls[0].Status != store.ToolCallUnknownTool || !strings.Contains(calls[0].Result, "read_text_file") {
			t.Errorf("unknown tool: %+v", calls[0])
		}
		if calls[1].Status != store.ToolCallBadArgs {
			t.Errorf("arguments not JSON: %+v", calls[1])
		}
		if calls[2].Status != store.ToolCallBadArgs || !strings.Contains(calls[2].Result, "missing property path") {
			t.Errorf("arguments off the schema: %+v", calls[2])
		}
		// Only the last reached the runner, whose schema check refused it.
		if runner.count() != 1 {
			t.Errorf("runner asked %d times", runner.count())
		}
		if results := toolMessages(chatRequests(srv)[1]); len(results) != 3 {
			t.Errorf("results = %v", results)
		}
	}
}

func TestAModelThatLoopsStopsAtTheRoundCap(t *testing.T) {
	runner := &fakeRunner{}
	tool := readFile
	tool.AlwaysAllowed = true
	sc := providertest.Script{ToolCalls: []providertest.ScriptToolCall{readCall("c")}} // calls in every answer
	h, srv, conv := toolHarness(t, protocols[0], sc, ToolSet{Catalog: fakeCatalog{tool}, Runner: runner}, func(c *Config) { c.MaxToolRounds = 3 })
	path := h.ask(conv, "loop")
	if runner.count() != 3 {
		t.Errorf("%d runs, want 3", runner.count())
	}
	last := path[len(path)-1]
	if len(path) != 5 || last.EndReason != string(EndToolRounds) || !strings.Contains(last.Error, "3 rounds") {
		t.Errorf("%d messages; last ended %q: %q", len(path), last.EndReason, last.Error)
	}
	if last.ToolCalls[0].Status != store.ToolCallSkipped {
		t.Errorf("the capped call: %+v", last.ToolCalls[0])
	}
	if n := len(chatRequests(srv)); n != 4 {
		t.Errorf("%d chat requests, want 4", n)
	}
	if text, ok := ReasonText(last.EndReason); !ok || text == "" {
		t.Error("the window has no words for the round cap")
	}
}

// A stream that breaks in the middle of a call's arguments is recovered,
// and the call runs once: what arrived of it never runs.
func TestStreamBrokenMidArgumentsRunsTheCallOnce(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			runner := &fakeRunner{}
			text := "Let me read it. "
			after := len(providertest.SplitTokens(text, 3)) + 2 // into the call's arguments (OpenAI), or past its line (Ollama)
			if p.name == "ollama" {
				after = len(providertest.SplitTokens(text, 3)) // the call's one line is cut in half
			}
			sc := providertest.Script{Answer: fileAnswer, ToolCallText: text, ToolCallsOnce: true,
				ToolCalls: []providertest.ScriptToolCall{readCall("call_1")}, Fault: providertest.DropMidLine, FaultAfterTokens: after}
			h, _, conv := toolHarness(t, p, sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionAllowOnce}}, func(*Config) {})
			path := h.ask(conv, "read")
			if runner.count() != 1 {
				t.Fatalf("the call ran %d times, want once", runner.count())
			}
			call := path[1]
			if !call.Recovered || len(call.ToolCalls) != 1 || call.ToolCalls[0].Arguments != `{"path":"/tmp/notes.txt"}` && p.name == "openai" {
				t.Errorf("answer with the call: recovered %v, calls %+v", call.Recovered, call.ToolCalls)
			}
			if !strings.HasPrefix(call.Content, "Let me read it.") {
				t.Errorf("text = %q", call.Content)
			}
			if path[len(path)-1].Content != fileAnswer {
				t.Errorf("final answer = %q", path[len(path)-1].Content)
			}
		})
	}
}

func TestToolsOfferedOnlyWhenEnabledAndCapable(t *testing.T) {
	runner := &fakeRunner{}
	ts := ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionAllowOnce}}
	// An Ollama model without the tools capability gets no tools.
	h, srv, conv := toolHarness(t, protocols[0], providertest.Script{}, ts, func(*Config) {})
	h.ask(conv, "hi")
	if _, ok := chatRequests(srv)[0].Body["tools"]; ok {
		t.Error("a model without the capability was offered tools")
	}
	// A capable model in a conversation with no tool enabled gets none.
	srv2 := protocols[0].newServer(providertest.Script{ToolCapable: true})
	defer srv2.Close()
	h2 := newHarness(t, fixedProviders{"ep": protocols[0].newClient(srv2.URL)})
	h2.engine.SetTools(ts)
	h2.send("hi")
	if _, ok := chatRequests(srv2)[0].Body["tools"]; ok {
		t.Error("tools offered that the user did not enable")
	}
}

func TestToolsRefusedIsAClearMessageNotARetry(t *testing.T) {
	sc := providertest.Script{ToolsUnsupported: true}
	h, srv, conv := toolHarness(t, protocols[1], sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: &fakeRunner{}}, func(*Config) {})
	path := h.ask(conv, "hi")
	answer := path[len(path)-1]
	if answer.State != store.StateFailed || !strings.Contains(answer.Error, "does not take tools") {
		t.Errorf("answer %s: %q", answer.State, answer.Error)
	}
	if n := len(chatRequests(srv)); n != 1 {
		t.Errorf("%d chat requests, want 1 (no retry)", n)
	}
}

func TestApprovalsWaitForTheUsersAnswer(t *testing.T) {
	a := NewApprovals()
	waiting := make(chan struct{}, 1)
	a.onWait = func(ApprovalRequest) { waiting <- struct{}{} }
	req := ApprovalRequest{MessageID: 7, Call: store.ToolCall{ID: "c", Name: "t"}}
	got := make(chan Decision, 1)
	go func() {
		d, _ := a.Approve(context.Background(), req)
		got <- d
	}()
	<-waiting
	if p := a.Pending(); len(p) != 1 || p[0].Call.ID != "c" {
		t.Errorf("pending = %+v", p)
	}
	if err := a.Answer(7, "c", "maybe"); !errors.Is(err, ErrBadDecision) {
		t.Errorf("a bad decision: %v", err)
	}
	if err := a.Answer(7, "other", DecisionDeny); !errors.Is(err, ErrNoApproval) {
		t.Errorf("no such call: %v", err)
	}
	if err := a.Answer(7, "c", DecisionAllowOnce); err != nil {
		t.Fatal(err)
	}
	if d := <-got; d != DecisionAllowOnce {
		t.Errorf("decision = %q", d)
	}
	a.onWait = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Approve(ctx, req); err == nil {
		t.Error("a stopped answer's approval did not end")
	}
}

// The fake file-reading model the end-to-end tests use: it reads the path
// the question names, then quotes what the tool gave.
func TestFakeFileReadingModel(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			runner := &fakeRunner{run: func(_ context.Context, args json.RawMessage) (tools.Result, error) {
				var a struct{ Path string }
				if err := json.Unmarshal(args, &a); err != nil || a.Path != "/tmp/brook-e2e/notes.txt" {
					return tools.Result{}, errors.New("unexpected arguments " + string(args))
				}
				return tools.Result{Text: "river otters hold hands"}, nil
			}}
			sc := providertest.Script{ReadFileTool: "read_text_file"}
			h, _, conv := toolHarness(t, p, sc, ToolSet{Catalog: fakeCatalog{readFile}, Runner: runner, Approver: &fakeApprover{decision: DecisionAllowOnce}}, func(*Config) {})
			path := h.ask(conv, "What does /tmp/brook-e2e/notes.txt say?")
			want := providertest.ReadFileAnswerPrefix + `"river otters hold hands"`
			if len(path) != 3 || path[2].Content != want || runner.count() != 1 {
				t.Fatalf("%d messages, last %q; runs %d", len(path), path[len(path)-1].Content, runner.count())
			}
		})
	}
}

func TestAppendCallsKeepsEarlierOutcomesAndUniqueIDs(t *testing.T) {
	before := []store.ToolCall{{ID: "call_0", Name: "a", Status: store.ToolCallCancelled, Result: resultStopped}}
	got := appendCalls(before, []store.ToolCall{{ID: "call_0", Name: "b"}, {ID: "x", Name: "c"}})
	if len(got) != 3 || got[0].Status != store.ToolCallCancelled || got[1].ID == "call_0" || got[1].Name != "b" || got[2].ID != "x" {
		t.Errorf("calls = %+v", got)
	}
}
