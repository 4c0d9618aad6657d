package chat

import (
	"context"
	"testing"
	"time"

	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/providertest"
	"brook/backend/store"
)

// requestLimit is the token limit a chat request body carries: Ollama's
// options.num_predict or OpenAI's max_tokens; 0 when it carries none.
func requestLimit(body map[string]any) int {
	if opts, ok := body["options"].(map[string]any); ok {
		n, _ := opts["num_predict"].(float64)
		return int(n)
	}
	n, _ := body["max_tokens"].(float64)
	return int(n)
}

// TestAContinuationAsksForWhatIsLeftOfTheBudget: an answer limited to some
// tokens, by the user's Max tokens or by the model's own num_predict, breaks
// after k pieces; the continuation asks for the rest of the limit, not for
// the whole of it again, which made a cut answer longer than the model's own.
func TestAContinuationAsksForWhatIsLeftOfTheBudget(t *testing.T) {
	const k = 5
	cases := []struct {
		name      string
		proto     wireProtocol
		maxTokens int  // the user's Max tokens; 0 for none
		ownLimit  bool // the profile can ask the model's own limit (32 in the fake's /api/show)
		want      int
	}{
		{"ollama, the user's Max tokens", protocols[0], 20, false, 20 - k},
		{"ollama, the model's own num_predict", protocols[0], 0, true, 32 - k},
		{"ollama, the user's Max tokens over the model's own", protocols[0], 20, true, 20 - k},
		{"openai, the user's Max tokens", protocols[1], 20, false, 20 - k},
		{"no limit known", protocols[0], 0, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.proto.newServer(providertest.Script{Fault: providertest.DropBetweenLines, FaultAfterTokens: k})
			defer srv.Close()
			client := tc.proto.newClient(srv.URL)
			profile := provider.ServerProfile{Kind: kindOf(tc.proto), MaxParallel: 4}
			if tc.ownLimit {
				profile.ModelMaxTokens = ollama.New(srv.URL).MaxTokens
			}
			h := newHarness(t, profiledProviders{fixedProviders{"ep": client}, map[string]provider.ServerProfile{"ep": profile}})
			if tc.maxTokens > 0 {
				s := store.DefaultSettings()
				s.Params.MaxTokens = tc.maxTokens
				if err := h.store.SaveSettings(context.Background(), s); err != nil {
					t.Fatal(err)
				}
			}
			got := h.send("Go on")
			if got.RecoveryMethod != store.RecoveryContinued {
				t.Fatalf("answer %s (%q): %q", got.State, got.RecoveryMethod, got.Content)
			}
			recovery := srv.ChatRequests(false)
			if len(recovery) != 1 {
				t.Fatalf("%d recovery requests", len(recovery))
			}
			if first := requestLimit(srv.ChatRequests(true)[0].Body); first != tc.maxTokens {
				t.Errorf("the first request asked for %d tokens, want %d", first, tc.maxTokens)
			}
			if left := requestLimit(recovery[0].Body); left != tc.want {
				t.Fatalf("the continuation asked for %d tokens, want %d", left, tc.want)
			}
		})
	}
}

// TestContinueAfterStopAsksForWhatIsLeft: the user stops an answer limited
// by Max tokens and presses Continue; the continuation asks for what is left.
func TestContinueAfterStopAsksForWhatIsLeft(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			srv := proto.newServer(providertest.Script{TokenDelay: 30 * time.Millisecond})
			defer srv.Close()
			h := newHarness(t, oneServer(proto, srv, kindOf(proto)))
			s := store.DefaultSettings()
			s.Params.MaxTokens = 40
			if err := h.store.SaveSettings(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			res, err := h.engine.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, func() bool { return len(h.recorder.StreamEvents(res.Answer.ID)) >= 4 })
			h.engine.Stop(res.Answer.ID)
			h.engine.Wait(res.Answer.ID)
			stopped := h.answer(res.Answer.ID)
			if stopped.State != store.StateStopped || stopped.CompletionTokens == 0 {
				t.Fatalf("stopped answer %s with %d tokens", stopped.State, stopped.CompletionTokens)
			}
			if _, err := h.engine.Continue(context.Background(), res.Answer.ID); err != nil {
				t.Fatal(err)
			}
			h.engine.Wait(res.Answer.ID)
			reqs := srv.ChatRequests(true)
			if len(reqs) != 2 {
				t.Fatalf("%d streamed requests", len(reqs))
			}
			if left := requestLimit(reqs[1].Body); left != 40-stopped.CompletionTokens {
				t.Fatalf("Continue asked for %d tokens after %d of 40", left, stopped.CompletionTokens)
			}
		})
	}
}
