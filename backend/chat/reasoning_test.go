package chat

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/providertest"
	"brook/backend/store"
)

const thought = "The user greets me. A short, friendly answer is best; mention the loopback."

// reasoningShown replays the reasoning deltas the UI got, checking their offsets.
func (h *harness) reasoningShown(id int64) string {
	h.t.Helper()
	var got []uint16
	for i, ev := range h.recorder.StreamEvents(id) {
		if ev.Reasoning == "" {
			continue
		}
		if ev.ReasoningAt != len(got) {
			h.t.Fatalf("event %d: reasoning delta at %d, UI has %d", i, ev.ReasoningAt, len(got))
		}
		got = append(got, utf16.Encode([]rune(ev.Reasoning))...)
	}
	return string(utf16.Decode(got))
}

// TestReasoningStreamsAsItsOwnPart: every shape the servers send reasoning
// in reaches the UI as reasoning events before the answer, and is stored
// with the answer and how long the model thought.
func TestReasoningStreamsAsItsOwnPart(t *testing.T) {
	shapes := []providertest.ReasoningShape{providertest.ReasoningDefault, providertest.ReasoningField, providertest.ReasoningInlineTags}
	for _, proto := range protocols {
		for _, shape := range shapes {
			t.Run(proto.name+"/"+shape.String(), func(t *testing.T) {
				t.Parallel()
				srv := proto.newServer(providertest.Script{Reasoning: thought, ReasoningShape: shape, TokenDelay: 2 * time.Millisecond})
				defer srv.Close()
				h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
				got := h.send("Say hello")
				if got.State != store.StateComplete || got.Content != providertest.DefaultAnswer || got.Reasoning != thought {
					t.Fatalf("stored %s %q with reasoning %q", got.State, got.Content, got.Reasoning)
				}
				if got.ThinkingMs <= 0 {
					t.Fatalf("no thinking time stored: %d", got.ThinkingMs)
				}
				if shown := h.reasoningShown(got.ID); shown != thought {
					t.Fatalf("the UI was shown reasoning %q", shown)
				}
				// Reasoning comes before the answer it leads to.
				sawText := false
				for _, ev := range h.recorder.StreamEvents(got.ID) {
					sawText = sawText || ev.Text != ""
					if ev.Reasoning != "" && sawText {
						t.Fatal("a reasoning event came after answer text")
					}
				}
			})
		}
	}
}

// TestReasoningIsNotSentBack: later turns carry earlier answers without
// their reasoning, as the reasoning models' own guidance asks.
func TestReasoningIsNotSentBack(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			srv := proto.newServer(providertest.Script{Reasoning: thought})
			defer srv.Close()
			h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
			first := h.send("Say hello")
			res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: first.ConversationID, Text: "Again"})
			if err != nil {
				t.Fatal(err)
			}
			h.engine.Wait(res.Answer.ID)
			reqs := srv.ChatRequests(true)
			for _, m := range reqs[len(reqs)-1].Body["messages"].([]any) {
				msg := m.(map[string]any)
				if msg["thinking"] != nil || msg["reasoning_content"] != nil || strings.Contains(msg["content"].(string), "The user greets me") {
					t.Fatalf("a later turn sent reasoning back: %v", msg)
				}
			}
		})
	}
}

// TestALongThinkIsNotMistakenForSilence: reasoning that goes on far longer
// than the first-token clock allows keeps the stream alive; no recovery.
func TestALongThinkIsNotMistakenForSilence(t *testing.T) {
	long := strings.Repeat("Still weighing it. ", 12) // 76 tokens, 40 ms apart: ~3 s of thinking
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			t.Parallel()
			srv := proto.newServer(providertest.Script{Reasoning: long, TokenDelay: 40 * time.Millisecond, Answer: "Done."})
			defer srv.Close()
			h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
			got := h.send("Think hard")
			if got.State != store.StateComplete || got.Recovered || got.Reasoning != long || got.Content != "Done." {
				t.Fatalf("answer %s %q (recovered %v, reasoning %d bytes)", got.State, got.Content, got.Recovered, len(got.Reasoning))
			}
			if n := len(srv.ChatRequests(false)); n != 0 {
				t.Fatalf("%d recovery requests during a long think", n)
			}
		})
	}
}

// TestBreakDuringReasoning: the stream breaks while the model thinks. The
// recovery continues from the reasoning so far; the stored answer has its
// reasoning and its answer, each exactly once, and starts with what was shown.
func TestBreakDuringReasoning(t *testing.T) {
	for _, proto := range protocols {
		for _, shape := range []providertest.ReasoningShape{providertest.ReasoningDefault, providertest.ReasoningInlineTags} {
			t.Run(proto.name+"/"+shape.String(), func(t *testing.T) {
				t.Parallel()
				script := providertest.Script{Reasoning: thought, ReasoningShape: shape, Fault: providertest.DropBetweenLines, FaultAfterTokens: 8}
				srv := proto.newServer(script)
				defer srv.Close()
				h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
				got := h.send("Say hello")
				shownThought := ""
				for _, ev := range h.recorder.StreamEvents(got.ID) {
					if ev.Phase == events.PhaseRecovering {
						break
					}
					shownThought += ev.Reasoning
				}
				if got.State != store.StateComplete || got.RecoveryMethod != store.RecoveryContinued {
					t.Fatalf("answer %s (%q): %q", got.State, got.RecoveryMethod, got.Content)
				}
				if shownThought == "" || !strings.HasPrefix(got.Reasoning, shownThought) {
					t.Fatalf("shown reasoning %q is not the start of the stored %q", shownThought, got.Reasoning)
				}
				if got.Reasoning != thought || got.Content != providertest.DefaultAnswer {
					t.Fatalf("stored reasoning %q and answer %q; want each exactly once", got.Reasoning, got.Content)
				}
			})
		}
	}
}

// TestBreakDuringTheAnswerKeepsTheReasoning: the reasoning streamed whole;
// the answer breaks and is continued; the reasoning is not asked for again.
func TestBreakDuringTheAnswerKeepsTheReasoning(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			reasoningTokens := len(providertest.SplitTokens(thought, 3))
			srv := proto.newServer(providertest.Script{Reasoning: thought, Fault: providertest.DropMidLine, FaultAfterTokens: reasoningTokens + 4, Sampling: true})
			defer srv.Close()
			h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
			got := h.send("Say hello")
			before := h.shownBeforeRecovery(got.ID)
			if got.RecoveryMethod != store.RecoveryContinued || before == "" || !strings.HasPrefix(got.Content, before) || got.Content != srv.Answers()[0] {
				t.Fatalf("answer %q (%q) after showing %q", got.Content, got.RecoveryMethod, before)
			}
			if shown := h.reasoningShown(got.ID); got.Reasoning != shown || strings.Count(got.Reasoning, "greets") != 1 {
				t.Fatalf("reasoning stored %q, shown %q", got.Reasoning, shown)
			}
		})
	}
}

// TestStopDuringReasoningKeepsWhatArrived.
func TestStopDuringReasoningKeepsWhatArrived(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Reasoning: thought, TokenDelay: 30 * time.Millisecond})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": protocols[0].newClient(srv.URL)})
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(h.reasoningShown(res.Answer.ID)) > 10 })
	h.engine.Stop(res.Answer.ID)
	h.engine.Wait(res.Answer.ID)
	got := h.answer(res.Answer.ID)
	if got.State != store.StateStopped || got.Content != "" || got.Reasoning == "" || !strings.HasPrefix(thought, got.Reasoning) {
		t.Fatalf("after Stop: %s %q reasoning %q", got.State, got.Content, got.Reasoning)
	}
	if len(srv.ChatRequests(false)) != 0 {
		t.Fatal("Stop during reasoning led to a recovery request")
	}
}

// TestThinkingOnForAModelThatCannotThink: the server's refusal is said in
// plain words, with what to do, and nothing is half-stored.
func TestThinkingOnForAModelThatCannotThink(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			srv := proto.newServer(providertest.Script{ThinkUnsupported: true})
			defer srv.Close()
			h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
			conv, err := h.store.CreateConversation(context.Background(), store.Conversation{EndpointID: "ep", Model: "tiny", Params: store.Params{Think: provider.ThinkHigh}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: conv.ID, Text: "hi"})
			if err != nil {
				t.Fatal(err)
			}
			h.engine.Wait(res.Answer.ID)
			got := h.answer(res.Answer.ID)
			if got.State != store.StateFailed || got.Content != "" || got.Reasoning != "" {
				t.Fatalf("answer %s %q %q", got.State, got.Content, got.Reasoning)
			}
			if !strings.Contains(got.Error, "does not support thinking") || !strings.Contains(got.Error, "model's default") {
				t.Fatalf("error %q does not give the server's reason and what to do", got.Error)
			}
			req := srv.ChatRequests(true)[0]
			if proto.name == "ollama" && req.Body["think"] != "high" || proto.name == "openai" && req.Body["reasoning_effort"] != "high" {
				t.Fatalf("the setting was not sent: %v", req.Body)
			}
			if len(srv.ChatRequests(false)) != 0 {
				t.Fatal("a refused request was repeated")
			}
		})
	}
}

// TestAServerThatEchoesTheReasoningPrefill: an OpenAI-compatible prefill
// carries the reasoning so far as a <think> block before the answer text,
// and a server that echoes the prefill repeats all of it, block included.
// Whether the stream broke in the reasoning or in the answer, the stored
// answer has each part exactly once.
func TestAServerThatEchoesTheReasoningPrefill(t *testing.T) {
	reasoningTokens := len(providertest.SplitTokens(thought, 3))
	for _, tc := range []struct {
		name  string
		after int
	}{
		{"break in the reasoning", 8},
		{"break in the answer", reasoningTokens + 4},
	} {
		for _, shape := range []providertest.ReasoningShape{providertest.ReasoningDefault, providertest.ReasoningInlineTags} {
			t.Run(tc.name+"/"+shape.String(), func(t *testing.T) {
				t.Parallel()
				srv := providertest.NewOpenAI(providertest.Script{Reasoning: thought, ReasoningShape: shape, Prefill: providertest.PrefillEcho,
					Fault: providertest.DropMidLine, FaultAfterTokens: tc.after})
				defer srv.Close()
				h := newHarness(t, fixedProviders{"ep": protocols[1].newClient(srv.URL)})
				got := h.send("Say hello")
				if got.State != store.StateComplete || got.RecoveryMethod != store.RecoveryContinued {
					t.Fatalf("answer %s (%q): %q", got.State, got.RecoveryMethod, got.Content)
				}
				if got.Reasoning != thought || got.Content != providertest.DefaultAnswer {
					t.Fatalf("stored reasoning %q and answer %q; want each exactly once", got.Reasoning, got.Content)
				}
				if shown := h.reasoningShown(got.ID); shown != thought {
					t.Fatalf("the UI was shown reasoning %q", shown)
				}
				// The fake echoed the prefill as it was sent, block and all.
				reqs := srv.ChatRequests(false)
				if len(reqs) == 0 {
					reqs = srv.ChatRequests(true)[1:]
				}
				msgs := reqs[0].Body["messages"].([]any)
				if c := msgs[len(msgs)-1].(map[string]any)["content"].(string); !strings.HasPrefix(c, "<think>\n") {
					t.Fatalf("the continuation's prefill %q carries no reasoning", c)
				}
			})
		}
	}
}
