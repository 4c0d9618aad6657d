package chat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"brook/backend/contextwindow"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/providertest"
	"brook/backend/store"
)

// fixedWindows gives every model the same window.
type fixedWindows struct {
	window  contextwindow.Window
	counter contextwindow.Counter
}

func (f fixedWindows) ContextWindow(context.Context, string, string) (contextwindow.Window, contextwindow.Counter, error) {
	return f.window, f.counter, nil
}

// countingServer counts every request as a fixed number of tokens.
type countingServer int

func (c countingServer) CountTokens(context.Context, string, []provider.Message) (int, error) {
	return int(c), nil
}

// newContextHarness is a harness on a fake Ollama whose model has window w.
func newContextHarness(t *testing.T, w contextwindow.Window) (*harness, *providertest.Server) {
	t.Helper()
	srv := providertest.NewOllama(providertest.Script{})
	t.Cleanup(srv.Close)
	h := newHarness(t, fixedProviders{"ep": ollama.New(srv.URL)})
	h.engine.cfg.Windows = fixedWindows{window: w}
	return h, srv
}

// long is a message of about n estimated tokens, numbered so each differs.
func long(i, n int) string {
	return strings.Repeat("word ", n) + string(rune('a'+i))
}

// sendIn sends text in conversation conv and waits for the answer. The
// fake server counts the prompt as Brook estimates it uncorrected, as if its
// tokenizer agreed with the estimate, when srv is given.
func (h *harness) sendIn(conv int64, text string, srv ...*providertest.Server) (SendResult, store.Message) {
	h.t.Helper()
	if len(srv) > 0 {
		msgs := []provider.Message{{Content: text}}
		if conv != 0 {
			for _, m := range h.path(conv) {
				msgs = append(msgs, provider.Message{Content: m.Content})
			}
		}
		srv[0].SetScript(providertest.Script{
			PromptTokens: int(contextwindow.EstimateRequest(msgs)),
			Answer:       fmt.Sprintf("Answer number %d.", len(msgs)), // each differs
		})
	}
	res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: conv, Text: text, EndpointID: "ep", Model: "tiny"})
	if err != nil {
		h.t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	return res, h.answer(res.Answer.ID)
}

// chatMessages are the contents of the messages of the last chat request.
func chatMessages(t *testing.T, srv *providertest.Server) ([]string, map[string]any) {
	t.Helper()
	reqs := srv.ChatRequests(true)
	if len(reqs) == 0 {
		t.Fatal("no chat request")
	}
	last := reqs[len(reqs)-1].Body
	var out []string
	for _, m := range last["messages"].([]any) {
		out = append(out, m.(map[string]any)["content"].(string))
	}
	return out, last
}

func TestAConversationLongerThanTheWindowGrowsIt(t *testing.T) {
	h, srv := newContextHarness(t, contextwindow.Window{Tokens: 4096, Max: 32768, BytesPerToken: 100, Source: "test"})
	res, _ := h.sendIn(0, long(0, 1500), srv)
	conv := res.Conversation.ID
	if _, body := chatMessages(t, srv); body["truncate"] != false || body["options"] != nil {
		t.Fatalf("a request that fits: %v", body)
	}
	for i := 1; i <= 3; i++ {
		h.sendIn(conv, long(i, 1500), srv)
	}
	msgs, body := chatMessages(t, srv)
	opts, _ := body["options"].(map[string]any)
	if len(msgs) != 7 || opts["num_ctx"] != 8192.0 || body["truncate"] != false {
		t.Fatalf("%d messages, options %v, truncate %v", len(msgs), opts, body["truncate"])
	}
	view, err := h.engine.ContextPlan(context.Background(), conv, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !view.NeedsChoice || view.GrowTo != 8192 || view.GrowBytes != 4096*100 || len(view.LeftOut) != 0 || view.LastSent == 0 {
		t.Fatalf("plan %+v", view)
	}
}

func TestLeavingOutDropsWhatTheWindowSays(t *testing.T) {
	h, srv := newContextHarness(t, contextwindow.Window{Tokens: 4096, Max: 4096, Source: "test"})
	res, _ := h.sendIn(0, long(0, 1500), srv)
	conv := res.Conversation.ID
	for i := 1; i <= 2; i++ {
		h.sendIn(conv, long(i, 1500), srv)
	}
	if err := h.engine.SetContextChoice(context.Background(), conv, contextwindow.ChoiceLeaveOut); err != nil {
		t.Fatal(err)
	}
	draft := long(3, 1500)
	view, err := h.engine.ContextPlan(context.Background(), conv, "", "", draft)
	if err != nil {
		t.Fatal(err)
	}
	if len(view.LeftOut) == 0 || view.Used > 4096 || view.Choice != contextwindow.ChoiceLeaveOut {
		t.Fatalf("plan %+v", view)
	}
	_, answer := h.sendIn(conv, draft, srv)
	sent, body := chatMessages(t, srv)
	if body["options"] != nil {
		t.Errorf("leaving out asked for a larger window: %v", body["options"])
	}
	// What the window said was left out is what the request lacks, and nothing else.
	path := h.path(conv)
	for _, m := range path[:len(path)-1] {
		if m.State == store.StateFailed || m.Content == "" {
			continue
		}
		if in := slices.Contains(sent, m.Content); in == slices.Contains(view.LeftOut, m.ID) {
			t.Errorf("message %d (%.10q): sent %v, plan left it out %v", m.ID, m.Content, in, !view.Sent(m.ID))
		}
	}
	if answer.ContextLeftOut != len(view.LeftOut) || answer.PromptEstimate == 0 {
		t.Errorf("answer left out %d (estimate %d), plan %d", answer.ContextLeftOut, answer.PromptEstimate, len(view.LeftOut))
	}
}

func TestExactCountsCorrectTheEstimate(t *testing.T) {
	h, _ := newContextHarness(t, contextwindow.Window{Tokens: 8192, Max: 8192, Source: "test"})
	h.engine.cfg.Windows = fixedWindows{window: contextwindow.Window{Tokens: 8192, Max: 8192}, counter: countingServer(1500)}
	view, err := h.engine.ContextPlan(context.Background(), 0, "ep", "tiny", long(0, 1000))
	if err != nil {
		t.Fatal(err)
	}
	// The server counts 1,500 where Brook estimated about 1,000: the plan believes the server.
	if !view.Exact || view.Used-view.Reserve < 1500 || view.Used-view.Reserve > 1505 {
		t.Fatalf("plan %+v", view)
	}
}

func TestTheServersCountCorrectsTheNextEstimate(t *testing.T) {
	h, _ := newContextHarness(t, contextwindow.Window{Tokens: 4096, Max: 4096, Source: "test"})
	res, answer := h.sendIn(0, long(0, 100))
	// The fake server counts a fixed few tokens; the next estimate follows it.
	if answer.PromptTokens == 0 || answer.PromptEstimate == 0 {
		t.Fatalf("answer %+v", answer)
	}
	view, err := h.engine.ContextPlan(context.Background(), res.Conversation.ID, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := float64(contextwindow.Learn(answer.PromptTokens, float64(answer.PromptEstimate)))
	if view.Ratio != want || view.LastSent != answer.PromptTokens {
		t.Fatalf("ratio %v, want %v; last sent %d", view.Ratio, want, view.LastSent)
	}
}
