package chat

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/provider/openai"
	"brook/backend/providertest"
	"brook/backend/store"
)

// oneServer is endpoint "ep" on srv, spoken to with proto, as a server of kind.
func oneServer(proto wireProtocol, srv *providertest.Server, kind provider.ServerKind) profiledProviders {
	return profiledProviders{
		clients:  fixedProviders{"ep": proto.newClient(srv.URL)},
		profiles: map[string]provider.ServerProfile{"ep": {Kind: kind, MaxParallel: 4}},
	}
}

func kindOf(proto wireProtocol) provider.ServerKind {
	if proto.name == "ollama" {
		return provider.ServerOllama
	}
	return provider.ServerLlamaCpp
}

// TestContinuationJoinsExactly cuts answers where joining is hard: inside a
// word, a multi-byte character, a code fence and math, after white space a
// template strips, and on servers that echo the prefill. The stored answer is
// the whole answer, byte for byte, and starts with what was shown.
func TestContinuationJoinsExactly(t *testing.T) {
	cases := []struct {
		name   string
		tokens []string
		k      int // the stream breaks after k tokens
		script providertest.Script
	}{
		{"cut inside a word", []string{"The ", "riv", "er bends ", "south", "ward."}, 2, providertest.Script{}},
		{"cut inside a multi-byte character", []string{"Grüße aus ", "T", "ō", "kyō ", "🗼✓"}, 2, providertest.Script{Fault: providertest.DropInsideRune}},
		{"cut inside a code fence", []string{"Code:\n\n``", "`go\nfmt.Pri", "ntln(\"hi\")\n", "```\n\nDone."}, 2, providertest.Script{}},
		{"cut inside math", []string{"Area is $A = ", "\\pi r", "^2$ exactly."}, 2, providertest.Script{}},
		{"cut after a space the template strips", []string{"One two ", "three four ", "five."}, 2, providertest.Script{TrimsTrailingWhitespace: true}},
		{"cut after a paragraph break the template strips", []string{"First.\n\n", "Second.\n\n", "Third."}, 1, providertest.Script{TrimsTrailingWhitespace: true}},
		{"a server that echoes the partial", []string{"Echo ", "this answer ", "whole."}, 2, providertest.Script{Prefill: providertest.PrefillEcho}},
		{"an echo after a stripped space", []string{"Echo ", "this answer ", "whole."}, 1, providertest.Script{Prefill: providertest.PrefillEcho, TrimsTrailingWhitespace: true}},
	}
	for _, proto := range protocols {
		for _, tc := range cases {
			t.Run(proto.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				script := tc.script
				script.Tokens, script.FaultAfterTokens = tc.tokens, tc.k
				if script.Fault == providertest.None {
					script.Fault = providertest.DropMidLine
				}
				srv := proto.newServer(script)
				defer srv.Close()
				h := newHarness(t, oneServer(proto, srv, kindOf(proto)))
				got := h.send("Go on")
				whole := strings.Join(tc.tokens, "")
				before := h.shownBeforeRecovery(got.ID)
				if got.Content != whole || got.RecoveryMethod != store.RecoveryContinued {
					t.Fatalf("stored %q (%s, %q), want %q continued", got.Content, got.State, got.RecoveryMethod, whole)
				}
				if before != strings.Join(tc.tokens[:tc.k], "") || !strings.HasPrefix(got.Content, before) || !utf8.ValidString(got.Content) {
					t.Fatalf("shown before the break %q; stored %q", before, got.Content)
				}
				if strings.Count(got.Content, "```")%2 != 0 || strings.Count(got.Content, "$")%2 != 0 {
					t.Fatalf("the join left an open fence or math: %q", got.Content)
				}
			})
		}
	}
}

// TestServersThatCannotContinue: OpenAI takes a trailing assistant message
// as a finished turn, so Brook asks again there; OpenRouter refuses it for
// some models with a 400, so Brook asks again and remembers; vLLM continues
// only when told with its flags, which Brook sends.
func TestServersThatCannotContinue(t *testing.T) {
	broken := providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 3, Sampling: true}
	t.Run("OpenAI: asked again", func(t *testing.T) {
		script := broken
		script.Prefill = providertest.PrefillIgnored
		srv := providertest.NewOpenAI(script)
		defer srv.Close()
		h := newHarness(t, oneServer(protocols[1], srv, provider.ServerOpenAI))
		got := h.send("Hi")
		answers := srv.Answers()
		if got.RecoveryMethod != store.RecoveryReasked || got.Content != answers[len(answers)-1] {
			t.Fatalf("stored %q (%q); want the re-asked answer %q", got.Content, got.RecoveryMethod, answers[len(answers)-1])
		}
		for _, r := range srv.ChatRequests(false) {
			msgs := r.Body["messages"].([]any)
			if msgs[len(msgs)-1].(map[string]any)["role"] != "user" {
				t.Fatal("a trailing assistant message was sent to a server that takes it as a finished turn")
			}
		}
	})
	t.Run("OpenRouter refuses the prefill: asked again, and remembered", func(t *testing.T) {
		script := broken
		script.Prefill = providertest.PrefillRefused
		srv := providertest.NewOpenAI(script)
		defer srv.Close()
		h := newHarness(t, oneServer(protocols[1], srv, provider.ServerOpenRouter))
		got := h.send("Hi")
		answers := srv.Answers()
		if got.State != store.StateComplete || got.RecoveryMethod != store.RecoveryReasked || got.Content != answers[len(answers)-1] {
			t.Fatalf("stored %q (%s, %q); want the re-asked answer", got.Content, got.State, got.RecoveryMethod)
		}
		if n := len(srv.ChatRequests(false)); n != 2 {
			t.Fatalf("%d non-streaming requests, want the refused continuation and the re-ask", n)
		}
		h.send("Again")
		if n := len(srv.ChatRequests(false)); n != 3 {
			t.Fatalf("%d non-streaming requests after a second break, want one more: the refusal is remembered", n)
		}
	})
	t.Run("vLLM: continued with its flags", func(t *testing.T) {
		script := broken
		script.Prefill = providertest.PrefillNeedsFlag
		srv := providertest.NewOpenAI(script)
		defer srv.Close()
		h := newHarness(t, oneServer(protocols[1], srv, provider.ServerVLLM))
		got := h.send("Hi")
		if got.RecoveryMethod != store.RecoveryContinued || got.Content != srv.Answers()[0] {
			t.Fatalf("stored %q (%q); want the first answer continued", got.Content, got.RecoveryMethod)
		}
		r := srv.ChatRequests(false)[0]
		if r.Body["continue_final_message"] != true || r.Body["add_generation_prompt"] != false {
			t.Fatalf("the continuation lacks vLLM's flags: %v", r.Body)
		}
		if first := srv.ChatRequests(true)[0]; first.Has("continue_final_message") {
			t.Fatal("the flags were sent with a request that continues nothing")
		}
	})
}

// TestSlowButAliveIsNeverCut: streams that are slow but show signs of life
// are left alone: no recovery request is made. The clocks are shortened, in
// proportion to the real ones.
func TestSlowButAliveIsNeverCut(t *testing.T) {
	clocks := Clocks{
		FirstTokenFloor: 800 * time.Millisecond, FirstTokenCeiling: 30 * time.Second,
		StallFloor: 200 * time.Millisecond, StallCeiling: 2400 * time.Millisecond,
		LoadAllowance: 2 * time.Second, PromptPerToken: time.Microsecond,
	}
	tokens := []string{"Slow ", "but ", "alive ", "answer."}
	cases := []struct {
		name    string
		proto   wireProtocol
		script  providertest.Script
		waiting string
	}{
		{"tokens far apart (Ollama)", protocols[0], providertest.Script{Tokens: tokens, TokenDelay: 600 * time.Millisecond}, ""},
		{"tokens far apart (OpenAI)", protocols[1], providertest.Script{Tokens: tokens, TokenDelay: 600 * time.Millisecond}, ""},
		{"a long wait kept alive by SSE comments", protocols[1], providertest.Script{Tokens: tokens, FirstTokenDelay: 2 * time.Second, KeepAliveEvery: 100 * time.Millisecond}, events.WaitFirstToken},
		{"a long wait kept alive by role-only chunks", protocols[1], providertest.Script{Tokens: tokens, FirstTokenDelay: 2 * time.Second, RoleChunksEvery: 100 * time.Millisecond}, events.WaitFirstToken},
		{"a model that must load first", protocols[0], providertest.Script{Tokens: tokens, FirstTokenDelay: 2 * time.Second, Loaded: []string{}}, events.WaitModelLoad},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.proto.newServer(tc.script)
			defer srv.Close()
			profile := provider.ServerProfile{Kind: kindOf(tc.proto), MaxParallel: 1}
			if tc.proto.name == "ollama" {
				profile.ModelLoaded = ollama.New(srv.URL).Loaded
			}
			st := newHarness(t, profiledProviders{fixedProviders{"ep": tc.proto.newClient(srv.URL)}, map[string]provider.ServerProfile{"ep": profile}})
			st.engine.cfg.Clocks = &clocks
			got := st.send("Take your time")
			if got.State != store.StateComplete || got.Recovered || got.Content != strings.Join(tokens, "") {
				t.Fatalf("answer %q (%s, recovered %v %q)", got.Content, got.State, got.Recovered, got.RecoveryReason)
			}
			if n := len(srv.ChatRequests(false)); n != 0 {
				t.Fatalf("%d recovery requests for a stream that was alive", n)
			}
			var said string
			for _, ev := range st.recorder.StreamEvents(got.ID) {
				if ev.Phase == events.PhaseWaiting && ev.WaitingFor != "" {
					said = ev.WaitingFor
				}
			}
			if tc.waiting != "" && said != tc.waiting {
				t.Fatalf("the answer said it waited for %q, want %q", said, tc.waiting)
			}
		})
	}
}

// TestQueuedBurst sends five answers at once to an endpoint that takes two
// at a time: the rest wait in Brook's queue, saying how many are ahead, and
// every answer arrives whole with no false recovery. Stop takes one out of
// the queue before it is ever sent.
func TestQueuedBurst(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			srv := proto.newServer(providertest.Script{TokenDelay: 30 * time.Millisecond, Sampling: true})
			defer srv.Close()
			h := newHarness(t, profiledProviders{fixedProviders{"ep": proto.newClient(srv.URL)},
				map[string]provider.ServerProfile{"ep": {Kind: kindOf(proto), MaxParallel: 2}}})
			var ids []int64
			for range 6 {
				res, err := h.engine.Send(context.Background(), SendRequest{Text: "burst", EndpointID: "ep", Model: "tiny"})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, res.Answer.ID)
			}
			// Stop the answer last in the queue, three places from its turn.
			stopped := int64(0)
			waitFor(t, func() bool {
				for _, id := range ids {
					evs := h.recorder.StreamEvents(id)
					if n := len(evs); n > 0 && evs[n-1].Phase == events.PhaseQueued && evs[n-1].Ahead == 3 {
						stopped = id
						return true
					}
				}
				return false
			})
			h.engine.Stop(stopped)
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Add(1)
				go func() { defer wg.Done(); h.engine.Wait(id) }()
			}
			wg.Wait()
			answers := map[string]bool{}
			for _, a := range srv.Answers() {
				answers[a] = true
			}
			maxAhead := 0
			for i, id := range ids {
				got := h.answer(id)
				if id == stopped {
					if got.State != store.StateStopped || got.Content != "" {
						t.Fatalf("the answer stopped in the queue: %s %q", got.State, got.Content)
					}
					continue
				}
				if got.State != store.StateComplete || got.Recovered || !answers[got.Content] {
					t.Fatalf("answer %d: %s %q (recovered %v)", i, got.State, got.Content, got.Recovered)
				}
				for _, ev := range h.recorder.StreamEvents(id) {
					if ev.Phase == events.PhaseQueued {
						maxAhead = max(maxAhead, ev.Ahead)
					}
				}
			}
			if peak := srv.PeakConcurrentChats(); peak > 2 {
				t.Fatalf("the server had %d answers at once, more than the endpoint's 2", peak)
			}
			if n := len(srv.ChatRequests(true)); n != 5 {
				var states []string
				for _, id := range ids {
					m := h.answer(id)
					states = append(states, fmt.Sprintf("%d:%s/%s/%q", id, m.State, m.EndReason, m.Content))
				}
				t.Fatalf("%d streams sent; the answer stopped in the queue must never be sent; answers %v", n, states)
			}
			if len(srv.ChatRequests(false)) != 0 || maxAhead < 2 {
				t.Fatalf("recoveries %d, most ahead told %d; want none, and a queue at least 3 deep", len(srv.ChatRequests(false)), maxAhead)
			}
		})
	}
}

// TestStopDuringRecoveryCostsNothingMore: Stop while the recovery request
// waits keeps the partial text, marks the answer stopped, and sends nothing
// more.
func TestStopDuringRecoveryCostsNothingMore(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 3, NonStreamFault: providertest.NoFirstToken})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": ollama.New(srv.URL)})
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(srv.ChatRequests(false)) == 1 })
	h.engine.Stop(res.Answer.ID)
	h.engine.Wait(res.Answer.ID)
	got := h.answer(res.Answer.ID)
	if got.State != store.StateStopped || got.Content != srv.Script().PartialText() {
		t.Fatalf("after Stop in recovery: %s %q, want stopped with %q", got.State, got.Content, srv.Script().PartialText())
	}
	// The run is over (Wait returned), so no request can still be on its way.
	if n := len(srv.ChatRequests(false)); n != 1 {
		t.Fatalf("%d recovery requests; Stop must not lead to another", n)
	}
}

// TestAskNowSkipsTheWait: "Don't wait: ask without streaming now" gives up on
// a silent stream at once and asks without streaming.
func TestAskNowSkipsTheWait(t *testing.T) {
	srv := providertest.NewOpenAI(providertest.Script{Fault: providertest.NoFirstToken})
	defer srv.Close()
	h := newHarness(t, profiledProviders{fixedProviders{"ep": openai.New(srv.URL, "")},
		map[string]provider.ServerProfile{"ep": {Kind: provider.ServerLlamaCpp, MaxParallel: 1}}})
	h.engine.cfg.Clocks = &Clocks{FirstTokenFloor: time.Hour, FirstTokenCeiling: time.Hour}
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(srv.ChatRequests(true)) == 1 })
	if !h.engine.AskNow(res.Answer.ID) {
		t.Fatal("AskNow found no active answer")
	}
	h.engine.Wait(res.Answer.ID)
	got := h.answer(res.Answer.ID)
	if got.State != store.StateComplete || got.RecoveryReason != string(provider.BrokenUserSkipped) || got.Content != providertest.DefaultAnswer {
		t.Fatalf("after AskNow: %s %q (%q)", got.State, got.Content, got.RecoveryReason)
	}
	if h.engine.AskNow(res.Answer.ID) {
		t.Fatal("AskNow on a finished answer reported it active")
	}
}

// TestContinueFallsBackToAskingInWords: a server that cannot continue a
// trailing assistant message gets the partial answer as a finished turn and
// a request to go on, and the reply is appended.
func TestContinueFallsBackToAskingInWords(t *testing.T) {
	srv := providertest.NewOpenAI(providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: 3, NonStreamFailures: 100, Prefill: providertest.PrefillIgnored})
	defer srv.Close()
	h := newHarness(t, oneServer(protocols[1], srv, provider.ServerOpenAI))
	broken := h.send("first question")
	if broken.State != store.StateInterrupted {
		t.Fatalf("setup: %s", broken.State)
	}
	srv.SetScript(providertest.Script{Answer: " and the rest.", Prefill: providertest.PrefillIgnored})
	if _, err := h.engine.Continue(context.Background(), broken.ID); err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(broken.ID)
	if got := h.answer(broken.ID); got.Content != broken.Content+" and the rest." {
		t.Fatalf("continued: %q", got.Content)
	}
	last := srv.ChatRequests(true)
	msgs := last[len(last)-1].Body["messages"].([]any)
	if m := msgs[len(msgs)-1].(map[string]any); m["role"] != "user" || m["content"] != continuePrompt {
		t.Fatalf("the fallback did not ask to go on: %v", m)
	}
}
