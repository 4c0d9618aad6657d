package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/provider/openai"
	"brook/backend/providertest"
	"brook/backend/store"
)

// fixedProviders serves one client per endpoint ID. Its servers are of
// the kind their client speaks to: Ollama, or for the OpenAI API a server
// that continues a trailing assistant message by default, as llama-server
// does.
type fixedProviders map[string]provider.Client

func (f fixedProviders) Client(_ context.Context, id string) (provider.Client, error) {
	if c, ok := f[id]; ok {
		return c, nil
	}
	return nil, errors.New("unknown endpoint " + id)
}

func (f fixedProviders) Profile(_ context.Context, id string) provider.ServerProfile {
	if _, ok := f[id].(*ollama.Client); ok {
		return provider.ServerProfile{Kind: provider.ServerOllama, MaxParallel: 4}
	}
	return provider.ServerProfile{Kind: provider.ServerLlamaCpp, MaxParallel: 4}
}

// profiledProviders serves one client per endpoint ID with a profile of
// the test's choosing.
type profiledProviders struct {
	clients  fixedProviders
	profiles map[string]provider.ServerProfile
}

func (p profiledProviders) Client(ctx context.Context, id string) (provider.Client, error) {
	return p.clients.Client(ctx, id)
}

func (p profiledProviders) Profile(_ context.Context, id string) provider.ServerProfile {
	return p.profiles[id]
}

type wireProtocol struct {
	name      string
	newServer func(providertest.Script) *providertest.Server
	newClient func(url string) provider.Client
}

var protocols = []wireProtocol{
	{"ollama", providertest.NewOllama, func(u string) provider.Client { return ollama.New(u) }},
	{"openai", providertest.NewOpenAI, func(u string) provider.Client { return openai.New(u, "") }},
}

// testClocks are the watchdog's clocks shortened for tests.
var testClocks = Clocks{
	FirstTokenFloor: 500 * time.Millisecond, FirstTokenCeiling: 2 * time.Second,
	StallFloor: 400 * time.Millisecond, StallCeiling: 2 * time.Second,
	LoadAllowance: time.Second, PromptPerToken: time.Microsecond,
}

type harness struct {
	t        *testing.T
	store    *store.Store
	recorder *events.Recorder
	engine   *Engine
}

func newHarness(t *testing.T, providers Providers) *harness {
	t.Helper()
	return newHarnessWith(t, providers, func(*Config) {})
}

// newHarnessWith is newHarness with the engine's configuration changed by adjust.
func newHarnessWith(t *testing.T, providers Providers, adjust func(*Config)) *harness {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	rec := &events.Recorder{}
	cfg := Config{
		Store: st, Providers: providers, Emitter: rec,
		FrameInterval: 5 * time.Millisecond, CheckpointInterval: 20 * time.Millisecond,
		RecoveryBackoff: 10 * time.Millisecond, MaxRecoveryWait: 3 * time.Second,
		Clocks: &testClocks,
	}
	adjust(&cfg)
	eng := New(cfg)
	t.Cleanup(func() {
		eng.Close()
		st.Close()
	})
	return &harness{t: t, store: st, recorder: rec, engine: eng}
}

// send sends text in a new conversation on endpoint "ep" and waits for the answer to end.
func (h *harness) send(text string) store.Message {
	h.t.Helper()
	res, err := h.engine.Send(context.Background(), SendRequest{Text: text, EndpointID: "ep", Model: "tiny"})
	if err != nil {
		h.t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	return h.answer(res.Answer.ID)
}

func (h *harness) answer(id int64) store.Message {
	h.t.Helper()
	m, err := h.store.GetMessage(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

// uiText replays the answer's events as the UI does, and checks the rules
// every stream keeps: increasing sequence numbers, small payloads, deltas that
// append exactly, and one final event, last, carrying the answer as stored.
func (h *harness) uiText(id int64) (shown string, final store.Message, phases []events.StreamPhase) {
	h.t.Helper()
	evs := h.recorder.StreamEvents(id)
	var text []uint16
	var lastSeq int64
	for i, ev := range evs {
		if ev.Seq <= lastSeq {
			h.t.Fatalf("event %d: seq %d after %d", i, ev.Seq, lastSeq)
		}
		lastSeq = ev.Seq
		if b, _ := json.Marshal(ev); len(b) > 8*1024 {
			h.t.Fatalf("event %d is %d bytes", i, len(b))
		}
		phases = append(phases, ev.Phase)
		if ev.Text != "" {
			if ev.At != len(text) {
				h.t.Fatalf("event %d: delta at %d, UI has %d", i, ev.At, len(text))
			}
			text = append(text, utf16.Encode([]rune(ev.Text))...)
		}
		if ev.Phase == events.PhaseFinal {
			if i != len(evs)-1 {
				h.t.Fatalf("final event is not the last one")
			}
			if ev.Message == nil {
				h.t.Fatalf("the final event omits a small message (state %s)", ev.State)
			}
			final = *ev.Message
		}
	}
	if len(evs) == 0 || evs[len(evs)-1].Phase != events.PhaseFinal {
		h.t.Fatalf("no final event")
	}
	if stored := h.answer(id); !reflect.DeepEqual(final, stored) {
		h.t.Fatalf("the final event carries %+v\nstored is                %+v", final, stored)
	}
	return string(utf16.Decode(text)), final, phases
}

// TestFaultMatrix breaks the stream every way a server or network can, on
// both wire protocols, against a model that repeats itself and one that
// samples (each request words its answer differently). Where text arrived
// before the break, the server is asked to continue it: the stored answer
// starts, byte for byte, with what the UI was shown, and the recovery asks
// only for the missing part. Where nothing arrived, the question is asked
// again.
func TestFaultMatrix(t *testing.T) {
	type want struct {
		state     store.MessageState
		recovered provider.BrokenReason
		method    string // how a recovered answer was completed
		partial   bool   // interrupted: exactly the streamed text is kept
		errHas    string
	}
	cont, reask := store.RecoveryContinued, store.RecoveryReasked
	cases := []struct {
		name   string
		script providertest.Script
		down   bool
		want   want
	}{
		{"whole stream", providertest.Script{}, false, want{state: store.StateComplete}},
		{"slow tokens", providertest.Script{TokenDelay: 15 * time.Millisecond}, false, want{state: store.StateComplete}},
		{"dropped between lines", providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 3}, false,
			want{state: store.StateComplete, recovered: provider.BrokenDropped, method: cont}},
		{"dropped mid-line", providertest.Script{Fault: providertest.DropMidLine, FaultAfterTokens: 3}, false,
			want{state: store.StateComplete, recovered: provider.BrokenDropped, method: cont}},
		{"dropped inside a character", providertest.Script{Fault: providertest.DropInsideRune, FaultAfterTokens: 2}, false,
			want{state: store.StateComplete, recovered: provider.BrokenDropped, method: cont}},
		{"clean end without end marker", providertest.Script{Fault: providertest.CleanEndNoMarker, FaultAfterTokens: 4}, false,
			want{state: store.StateComplete, recovered: provider.BrokenNoEndMarker, method: cont}},
		{"error object in the first chunk", providertest.Script{Fault: providertest.ErrorFirstChunk, ErrorMessage: "runner crashed"}, false,
			want{state: store.StateComplete, recovered: provider.BrokenErrorInStream, method: reask}},
		{"error object later", providertest.Script{Fault: providertest.ErrorLater, FaultAfterTokens: 3, ErrorMessage: "oom"}, false,
			want{state: store.StateComplete, recovered: provider.BrokenErrorInStream, method: cont}},
		{"a 200 that sends nothing", providertest.Script{Fault: providertest.NoFirstToken}, false,
			want{state: store.StateComplete, recovered: provider.BrokenFirstTokenTimeout, method: reask}},
		{"stalls after the first token", providertest.Script{Fault: providertest.StallAfterFirstToken, FaultAfterTokens: 2}, false,
			want{state: store.StateComplete, recovered: provider.BrokenIdleTimeout, method: cont}},
		{"5xx before the first token", providertest.Script{Fault: providertest.Status5xxBeforeFirst, Status: 503}, false,
			want{state: store.StateComplete, recovered: provider.BrokenServerError, method: reask}},
		{"429 with Retry-After", providertest.Script{Fault: providertest.Status429BeforeFirst, RetryAfter: "1"}, false,
			want{state: store.StateComplete, recovered: provider.BrokenRateLimited, method: reask}},
		{"recovery needs retries", providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 2, NonStreamFailures: 2}, false,
			want{state: store.StateComplete, recovered: provider.BrokenDropped, method: cont}},
		{"recovery fails too: partial kept", providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 3, NonStreamFailures: 100}, false,
			want{state: store.StateInterrupted, partial: true, errHas: "connection dropped"}},
		{"unknown model (404)", providertest.Script{Fault: providertest.StatusError, Status: 404, ErrorMessage: `model "nope" not found`}, false,
			want{state: store.StateFailed, errHas: `model "nope" not found`}},
		{"bad request (400)", providertest.Script{Fault: providertest.StatusError, Status: 400, ErrorMessage: "unsupported parameter"}, false,
			want{state: store.StateFailed, errHas: "unsupported parameter"}},
		{"server down", providertest.Script{}, true,
			want{state: store.StateInterrupted, errHas: "could not be reached"}},
	}
	for _, sampling := range []bool{false, true} {
		model := "repeating"
		if sampling {
			model = "sampling"
		}
		for _, proto := range protocols {
			for _, tc := range cases {
				t.Run(model+"/"+proto.name+"/"+tc.name, func(t *testing.T) {
					t.Parallel()
					script := tc.script
					script.Sampling = sampling
					srv := proto.newServer(script)
					defer srv.Close()
					url := srv.URL
					if tc.down {
						url = providertest.DownURL()
					}
					h := newHarness(t, fixedProviders{"ep": proto.newClient(url)})
					got := h.send("Say hello")
					answers := srv.Answers()
					shown, final, phases := h.uiText(got.ID)
					before := h.shownBeforeRecovery(got.ID)

					if got.State != tc.want.state {
						t.Fatalf("state = %s (error %q), want %s", got.State, got.Error, tc.want.state)
					}
					var wantText string
					switch {
					case tc.want.partial:
						wantText = shown
						if shown == "" || !strings.HasPrefix(answers[0], shown) {
							t.Fatalf("kept %q, which is not a partial of the answer %q", shown, answers[0])
						}
					case tc.want.state != store.StateComplete:
					case tc.want.method == reask:
						wantText = answers[len(answers)-1]
					default:
						// Whole, or continued: the answer the stream began.
						wantText = answers[0]
					}
					if got.Content != wantText {
						t.Fatalf("stored text = %q\nwant          %q", got.Content, wantText)
					}
					if got.Recovered != (tc.want.recovered != "") || got.RecoveryReason != string(tc.want.recovered) || got.RecoveryMethod != tc.want.method {
						t.Fatalf("recovered = %v (%q, %q), want reason %q, method %q", got.Recovered, got.RecoveryReason, got.RecoveryMethod, tc.want.recovered, tc.want.method)
					}
					if !strings.Contains(got.Error, tc.want.errHas) {
						t.Fatalf("error %q does not say %q", got.Error, tc.want.errHas)
					}
					if got.EndpointID != "ep" || got.Model != "tiny" {
						t.Fatalf("answer does not record its endpoint and model: %+v", got)
					}
					if final.Content != got.Content {
						t.Fatalf("final event text %q differs from the stored %q", final.Content, got.Content)
					}
					if tc.want.method != reask && !strings.HasPrefix(got.Content, before) {
						t.Fatalf("shown before the break %q is not the start of the stored %q", before, got.Content)
					}
					if tc.want.method == cont {
						if before == "" {
							t.Fatal("nothing was shown before a break that was continued")
						}
						// The recovery asked only for what was missing, and the
						// deltas the UI got after it append exactly that.
						last := srv.ChatRequests(false)
						gen := last[len(last)-1].Generated
						if gen == "" || len(gen) >= len(answers[0]) || !strings.HasSuffix(answers[0], gen) {
							t.Fatalf("the recovery generated %q of the answer %q; want only its missing end", gen, answers[0])
						}
						if shown != got.Content {
							t.Fatalf("the UI's deltas add up to %q, stored %q", shown, got.Content)
						}
						// Usage covers both requests: every token of the answer.
						if n := len(providertest.SplitTokens(answers[0], 3)); got.CompletionTokens != n {
							t.Fatalf("completion tokens %d, want %d over the stream and the recovery", got.CompletionTokens, n)
						}
					}
					if tc.want.recovered != "" && !slices.Contains(phases, events.PhaseRecovering) {
						t.Fatalf("no recovering phase before the final event: %v", phases)
					}
					if tc.want.state == store.StateFailed && len(srv.ChatRequests(false)) != 0 {
						t.Fatalf("a refused request was repeated without streaming")
					}
					if got.State == store.StateComplete && got.CompletionTokens == 0 {
						t.Fatalf("no completion token count on a whole answer")
					}
				})
			}
		}
	}
}

// shownBeforeRecovery is the text the UI was shown of an answer before its
// recovery began (all of it when there was none).
func (h *harness) shownBeforeRecovery(id int64) string {
	var b strings.Builder
	for _, ev := range h.recorder.StreamEvents(id) {
		if ev.Phase == events.PhaseRecovering {
			break
		}
		b.WriteString(ev.Text)
	}
	return b.String()
}

func TestStopKeepsThePartialTextAndMakesNoFallback(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			srv := proto.newServer(providertest.Script{TokenDelay: 50 * time.Millisecond})
			defer srv.Close()
			h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
			res, err := h.engine.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, func() bool { shown, _ := h.partial(res.Answer.ID); return shown != "" })
			if !h.engine.Stop(res.Answer.ID) {
				t.Fatal("Stop found no active answer")
			}
			h.engine.Wait(res.Answer.ID)
			got := h.answer(res.Answer.ID)
			if got.State != store.StateStopped || got.EndReason != "user_stop" {
				t.Fatalf("state %s / %s, want stopped / user_stop", got.State, got.EndReason)
			}
			if got.Content == "" || got.Content == providertest.DefaultAnswer || !strings.HasPrefix(providertest.DefaultAnswer, got.Content) {
				t.Fatalf("stopped text %q is not a strict partial of the answer", got.Content)
			}
			if n := len(srv.ChatRequests(false)); n != 0 {
				t.Fatalf("Stop led to %d non-streaming requests", n)
			}
			if _, final, _ := h.uiText(got.ID); final.Content != got.Content || final.State != store.StateStopped {
				t.Fatalf("final event %q (%s), stored %q", final.Content, final.State, got.Content)
			}
		})
	}
}

// partial returns what the UI has been shown of an answer so far.
func (h *harness) partial(id int64) (string, bool) {
	var b strings.Builder
	for _, ev := range h.recorder.StreamEvents(id) {
		b.WriteString(ev.Text)
		if ev.Phase == events.PhaseFinal {
			return b.String(), true
		}
	}
	return b.String(), false
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestAnswerIsCheckpointedWhileStreaming(t *testing.T) {
	tokens := providertest.SplitTokens(strings.Repeat("word ", 60), 5)
	srv := providertest.NewOllama(providertest.Script{Tokens: tokens, TokenDelay: 10 * time.Millisecond})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": ollama.New(srv.URL)})
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	// The user's message is committed before the answer starts.
	if m, err := h.store.GetMessage(context.Background(), res.User.ID); err != nil || m.Content != "hi" || m.State != store.StateComplete {
		t.Fatalf("user message not stored: %+v %v", m, err)
	}
	var seenPartial bool
	waitFor(t, func() bool {
		m := h.answer(res.Answer.ID)
		if m.State == store.StateStreaming && m.Content != "" && len(m.Content) < len(strings.Join(tokens, "")) {
			seenPartial = true
		}
		return seenPartial || m.State != store.StateStreaming
	})
	h.engine.Wait(res.Answer.ID)
	if !seenPartial {
		t.Fatal("the database never held a partial checkpoint while the answer streamed")
	}
	if got := h.answer(res.Answer.ID); got.Content != strings.Join(tokens, "") || got.State != store.StateComplete {
		t.Fatalf("final: %q %s", got.Content, got.State)
	}
}

func TestConcurrentStreamsDoNotInterfere(t *testing.T) {
	answers := []string{"Alpha answer, first of three.", "Beta: 東京タワー 🗼 second.", "Gamma — the third and last."}
	providers := fixedProviders{}
	for i, a := range answers {
		srv := providertest.NewOllama(providertest.Script{Answer: a, TokenDelay: 3 * time.Millisecond, Fault: providertest.Fault(i % 2 * int(providertest.DropBetweenLines)), FaultAfterTokens: 4})
		defer srv.Close()
		providers[fmt.Sprint("ep", i)] = ollama.New(srv.URL)
	}
	h := newHarness(t, providers)
	var ids []int64
	for i := range answers {
		res, err := h.engine.Send(context.Background(), SendRequest{Text: "go", EndpointID: fmt.Sprint("ep", i), Model: "tiny"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Answer.ID)
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() { defer wg.Done(); h.engine.Wait(id) }()
	}
	wg.Wait()
	for i, id := range ids {
		got := h.answer(id)
		if got.Content != answers[i] || got.State != store.StateComplete {
			t.Errorf("answer %d = %q (%s), want %q", i, got.Content, got.State, answers[i])
		}
		if _, final, _ := h.uiText(id); final.Content != answers[i] {
			t.Errorf("answer %d final event %q", i, final.Content)
		}
	}
}

func TestRetryContinueRegenerateAndEdit(t *testing.T) {
	ctx := context.Background()
	srv := providertest.NewOllama(providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 3, NonStreamFailures: 100})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": ollama.New(srv.URL)})
	broken := h.send("first question")
	if broken.State != store.StateInterrupted || broken.Content == "" {
		t.Fatalf("setup: want interrupted with text, got %s %q", broken.State, broken.Content)
	}
	partial := broken.Content

	// Retry while the server is still down: a new version fails, and the
	// interrupted one keeps its text and its reason.
	retry, err := h.engine.Retry(ctx, broken.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(retry.ID)
	if got := h.answer(broken.ID); got.Content != partial || got.State != store.StateInterrupted || got.Error != broken.Error {
		t.Fatalf("the retried answer changed: %+v", got)
	}
	if got := h.answer(retry.ID); got.State == store.StateComplete || !slices.Equal(got.Versions, []int64{broken.ID, retry.ID}) {
		t.Fatalf("the retry = %+v", got)
	}
	if path := h.path(broken.ConversationID); len(path) != 2 || path[1].ID != retry.ID {
		t.Fatalf("shown after the retry: %+v", path)
	}

	// Continue the first version, shown again: the partial answer goes last
	// as an assistant message, and only the continuation is appended.
	srv.SetScript(providertest.Script{})
	if _, err := h.engine.ShowVersion(ctx, broken.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Continue(ctx, broken.ID); err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(broken.ID)
	cont := h.answer(broken.ID)
	if cont.Content != providertest.DefaultAnswer || cont.State != store.StateComplete || !strings.HasPrefix(cont.Content, partial) {
		t.Fatalf("continued: %q (%s), want the partial %q continued to the whole answer", cont.Content, cont.State, partial)
	}
	last := srv.ChatRequests(true)
	msgs := last[len(last)-1].Body["messages"].([]any)
	if prev := msgs[len(msgs)-1].(map[string]any); prev["role"] != "assistant" || prev["content"] != strings.TrimRight(partial, " ") {
		t.Fatalf("Continue did not end the request with the partial answer: %v", prev)
	}

	// Regenerate adds a third version; the others stay.
	srv.SetScript(providertest.Script{Answer: "Another take."})
	regen, err := h.engine.Regenerate(ctx, broken.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(regen.ID)
	all, _ := h.store.Messages(ctx, broken.ConversationID)
	if len(all) != 4 || all[1].Content != providertest.DefaultAnswer || all[3].Content != "Another take." {
		t.Fatalf("after regenerate: %+v", all)
	}
	if got := h.answer(regen.ID); !slices.Equal(got.Versions, []int64{broken.ID, retry.ID, regen.ID}) {
		t.Fatalf("versions after regenerate = %v", got.Versions)
	}

	// A second turn, then an edit of the first question: a version of it,
	// in the same conversation, answered with only itself as context.
	srv.SetScript(providertest.Script{Answer: "Second answer."})
	second, err := h.engine.Send(ctx, SendRequest{ConversationID: broken.ConversationID, Text: "second question"})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(second.Answer.ID)
	if second.User.ParentID != regen.ID {
		t.Fatalf("the second question follows %d, want the shown answer %d", second.User.ParentID, regen.ID)
	}
	srv.SetScript(providertest.Script{Answer: "Edited answer."})
	res, err := h.engine.EditAndResend(ctx, all[0].ID, "edited question")
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	if res.Conversation.ID != broken.ConversationID || !slices.Equal(res.User.Versions, []int64{all[0].ID, res.User.ID}) {
		t.Fatalf("edit = %+v", res)
	}
	if got := contentsOf(h.path(broken.ConversationID)); !slices.Equal(got, []string{"edited question", "Edited answer."}) {
		t.Fatalf("shown after the edit: %q", got)
	}
	last = srv.ChatRequests(true)
	if msgs := last[len(last)-1].Body["messages"].([]any); len(msgs) != 1 {
		t.Fatalf("the edited question was sent with %d messages, want itself alone: %v", len(msgs), msgs)
	}
	// Switching back to the original question shows its branch as it was.
	below, err := h.engine.ShowVersion(ctx, all[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := contentsOf(below); !slices.Equal(got, []string{"first question", "Another take.", "second question", "Second answer."}) {
		t.Fatalf("the original branch: %q", got)
	}
	// Regenerating an answer in the middle makes a version there.
	mid, err := h.engine.Regenerate(ctx, regen.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(mid.ID)
	if got := h.path(broken.ConversationID); len(got) != 2 || got[1].ID != mid.ID {
		t.Fatalf("after regenerating in the middle: %+v", got)
	}
}

func (h *harness) path(conversationID int64) []store.Message {
	h.t.Helper()
	p, err := h.store.ShownPath(context.Background(), conversationID)
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

func contentsOf(msgs []store.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Content
	}
	return out
}

func TestBadInputChangesNothing(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": ollama.New(srv.URL)})
	if _, err := h.engine.Send(context.Background(), SendRequest{Text: "   \n", EndpointID: "ep", Model: "tiny"}); !errors.Is(err, ErrEmptyMessage) {
		t.Fatalf("empty message: %v", err)
	}
	if _, err := h.engine.Send(context.Background(), SendRequest{Text: "hi"}); !errors.Is(err, ErrNoModel) {
		t.Fatalf("no model: %v", err)
	}
	if _, err := h.engine.Send(context.Background(), SendRequest{ConversationID: 999, Text: "hi"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown conversation: %v", err)
	}
	if convs, _ := h.store.ListConversations(context.Background(), store.ListOptions{}); len(convs) != 0 {
		t.Fatalf("bad input created %d conversations", len(convs))
	}
}

func TestAnEndpointThatIsGoneFailsPlainly(t *testing.T) {
	h := newHarness(t, fixedProviders{})
	got := h.send("hi")
	if got.State != store.StateFailed || got.Error != "Unknown endpoint ep." {
		t.Fatalf("answer %+v; want failed, saying the endpoint is unknown", got)
	}
	if _, final, _ := h.uiText(got.ID); final.Content != "" || final.Error != got.Error {
		t.Fatalf("final event %+v", final)
	}
}

func TestCloseInterruptsActiveAnswersKeepingText(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{TokenDelay: 40 * time.Millisecond})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": ollama.New(srv.URL)})
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { s, _ := h.partial(res.Answer.ID); return s != "" })
	h.engine.Close()
	got := h.answer(res.Answer.ID)
	if got.State != store.StateInterrupted || got.Content == "" || !strings.HasPrefix(providertest.DefaultAnswer, got.Content) {
		t.Fatalf("after Close: %s %q", got.State, got.Content)
	}
}

func TestTitleFrom(t *testing.T) {
	tests := map[string]string{
		"How do I sort a map in Go?": "How do I sort a map in Go?",
		"  first line\nsecond line":  "first line",
		"":                           NewChatTitle,
		strings.Repeat("word ", 30):  strings.TrimSpace(strings.Repeat("word ", 12)) + "…",
		strings.Repeat("東京", 40):     strings.Repeat("東京", 30) + "…",
	}
	for in, want := range tests {
		if got := TitleFrom(in); got != want {
			t.Errorf("TitleFrom(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompleteUTF8Prefix(t *testing.T) {
	s := []byte("aé✓🗼")
	for cut := 0; cut <= len(s); cut++ {
		end := completeUTF8Prefix(s[:cut], 0)
		if end > cut || !utf8Valid(s[:end]) {
			t.Fatalf("cut %d: end %d gives invalid %q", cut, end, s[:end])
		}
		if cut == len(s) && end != cut {
			t.Fatalf("a whole string was held back")
		}
	}
}
