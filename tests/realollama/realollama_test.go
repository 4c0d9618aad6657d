//go:build linux

package realollama

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"brook/backend/provider"
	"brook/backend/provider/ollama"
)

// callTimeout bounds every call so a hang fails the test instead of the run.
const callTimeout = 30 * time.Second

func hello(model string, maxTokens int) provider.Request {
	return provider.Request{
		Model:     model,
		Messages:  []provider.Message{{Role: "user", Content: "Tell me a short story about a river."}},
		MaxTokens: maxTokens,
	}
}

// finish runs f and fails the test if it has not returned within callTimeout,
// so that a hanging adapter is reported rather than stalling the package.
func finish[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	ch := make(chan T, 1)
	go func() { ch <- f() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(callTimeout + 5*time.Second):
		t.Fatalf("%s did not return (hang)", what)
		panic("unreachable")
	}
}

type result struct {
	comp provider.Completion
	err  error
}

// TestHarness checks the server and model with Ollama's own client, so a
// harness problem is told apart from an adapter problem.
func TestHarness(t *testing.T) {
	srv := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	v, err := srv.API().Version(ctx)
	if err != nil || v != "0.17.4" {
		t.Errorf("version = %q, %v; want 0.17.4", v, err)
	}
	stream := true
	var pieces int
	var last api.ChatResponse
	err = srv.API().Chat(ctx, &api.ChatRequest{
		Model:    srv.Model,
		Messages: []api.Message{{Role: "user", Content: "hello"}},
		Stream:   &stream,
	}, func(r api.ChatResponse) error {
		if r.Message.Content != "" {
			pieces++
		}
		last = r
		return nil
	})
	if err != nil {
		t.Fatalf("chat: %v", err)
	}
	if !last.Done || pieces < 2 {
		t.Fatalf("done = %v after %d pieces", last.Done, pieces)
	}
	// The model's num_predict parameter ends the answer by length.
	if last.DoneReason != "length" || last.EvalCount != DefaultNumPredict {
		t.Errorf("done_reason %q after %d tokens; want length after %d", last.DoneReason, last.EvalCount, DefaultNumPredict)
	}
}

func TestStreamNormalAnswer(t *testing.T) {
	srv := Start(t)
	c := ollama.New(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	models, err := c.ListModels(ctx)
	if err != nil {
		t.Fatalf("ListModels: %v", err)
	}
	found := false
	for _, m := range models {
		if m.Name == srv.Model || m.Name == srv.Model+":latest" {
			found = true
			if m.SizeBytes <= 0 {
				t.Errorf("model %s size %d", m.Name, m.SizeBytes)
			}
		}
	}
	if !found {
		t.Errorf("ListModels = %+v, want %s", models, srv.Model)
	}

	var pieces []string
	r := finish(t, "Stream", func() result {
		comp, err := c.Stream(ctx, hello(srv.Model, 0), func(d provider.Delta) { pieces = append(pieces, d.Text) })
		return result{comp, err}
	})
	if r.err != nil {
		t.Fatalf("Stream: %v (text %q)", r.err, r.comp.Text)
	}
	if len(pieces) < 2 {
		t.Errorf("%d onText pieces, want several", len(pieces))
	}
	if got := strings.Join(pieces, ""); got != r.comp.Text {
		t.Errorf("pieces join to %q, Completion.Text = %q", got, r.comp.Text)
	}
	if strings.TrimSpace(r.comp.Text) == "" {
		t.Error("empty answer")
	}
	if r.comp.Usage.PromptTokens <= 0 || r.comp.Usage.CompletionTokens <= 0 {
		t.Errorf("usage = %+v, want both counts > 0", r.comp.Usage)
	}
	if r.comp.FinishReason == "" {
		t.Error("empty FinishReason")
	}
	t.Logf("answer (%d pieces, %+v, %s): %q", len(pieces), r.comp.Usage, r.comp.FinishReason, r.comp.Text)

	// The same through Complete.
	r = finish(t, "Complete", func() result {
		comp, err := c.Complete(ctx, hello(srv.Model, 0))
		return result{comp, err}
	})
	if r.err != nil {
		t.Fatalf("Complete: %v", r.err)
	}
	if strings.TrimSpace(r.comp.Text) == "" || r.comp.Usage.CompletionTokens <= 0 {
		t.Errorf("Complete = %+v", r.comp)
	}
}

func TestStreamStop(t *testing.T) {
	// Ollama v0.17.4 can leak a stopped request's slot (see [Server.LeakedSlot]):
	// then the stream after Stop waits for ever, whatever the client did. That
	// is the server's bug, not Brook's; seen once, it is tried on a new server.
	OnceMoreIfSlotLeaked(t, func() bool { return streamStop(t, Start(t)) })
}

// streamStop stops a stream on its first piece and checks the server still
// answers; false when it does not because it leaked the stopped request's slot.
func streamStop(t *testing.T, srv *Server) bool {
	c := ollama.New(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	stop, stopNow := context.WithCancel(ctx)
	defer stopNow()

	var pieces []string
	r := finish(t, "Stream after cancel", func() result {
		comp, err := c.Stream(stop, hello(srv.Model, 400), func(d provider.Delta) {
			pieces = append(pieces, d.Text)
			stopNow() // the user presses Stop on the first piece
		})
		return result{comp, err}
	})
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", r.err)
	}
	var broken *provider.BrokenError
	if errors.As(r.err, &broken) {
		t.Errorf("a cancelled stream is reported as broken: %v", r.err)
	}
	if len(pieces) == 0 || r.comp.Text == "" {
		t.Fatalf("no partial text kept: pieces %q, text %q", pieces, r.comp.Text)
	}
	if got := strings.Join(pieces, ""); got != r.comp.Text {
		t.Errorf("pieces join to %q, Completion.Text = %q", got, r.comp.Text)
	}

	// The server is still fine afterwards.
	r = finish(t, "Stream after Stop", func() result {
		comp, err := c.Stream(ctx, hello(srv.Model, 0), func(provider.Delta) {})
		return result{comp, err}
	})
	if r.err != nil && ctx.Err() != nil && srv.LeakedSlot() {
		return false
	}
	if r.err != nil {
		t.Errorf("a stream after Stop: %v", r.err)
	}
	return true
}

func TestUnknownModel(t *testing.T) {
	srv := Start(t)
	c := ollama.New(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	for _, call := range []struct {
		name string
		f    func() result
	}{
		{"Stream", func() result {
			comp, err := c.Stream(ctx, hello("no-such-model", 0), func(d provider.Delta) { t.Errorf("onDelta(%q) for a missing model", d.Text) })
			return result{comp, err}
		}},
		{"Complete", func() result {
			comp, err := c.Complete(ctx, hello("no-such-model", 0))
			return result{comp, err}
		}},
	} {
		r := finish(t, call.name, call.f)
		var refused *provider.RequestError
		if !errors.As(r.err, &refused) {
			t.Errorf("%s: err = %v (%T), want *provider.RequestError", call.name, r.err, r.err)
			continue
		}
		if refused.Status != 404 {
			t.Errorf("%s: status %d, want 404", call.name, refused.Status)
		}
		// The server's own reason; v0.17.4's /api/chat says: model 'no-such-model' not found
		if !strings.Contains(refused.Message, "no-such-model") || !strings.Contains(refused.Message, "not found") {
			t.Errorf("%s: message %q, want the server's reason", call.name, refused.Message)
		}
		if r.comp.Text != "" {
			t.Errorf("%s: text %q", call.name, r.comp.Text)
		}
	}
}

func TestServerKilledMidAnswer(t *testing.T) {
	srv := Start(t)
	c := ollama.New(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	var pieces []string
	r := finish(t, "Stream with the server killed", func() result {
		comp, err := c.Stream(ctx, hello(srv.Model, 400), func(d provider.Delta) {
			pieces = append(pieces, d.Text)
			if len(pieces) == 1 {
				srv.Kill() // SIGKILL the server and its runner, then keep reading
			}
		})
		return result{comp, err}
	})
	if !srv.Exited() {
		t.Fatal("the server is still running after Kill")
	}
	var broken *provider.BrokenError
	if !errors.As(r.err, &broken) {
		t.Fatalf("err = %v (%T), want *provider.BrokenError", r.err, r.err)
	}
	if broken.Reason != provider.BrokenDropped {
		t.Errorf("reason = %q (%v), want %q", broken.Reason, r.err, provider.BrokenDropped)
	}
	if errors.Is(r.err, context.Canceled) || errors.Is(r.err, context.DeadlineExceeded) {
		t.Errorf("err = %v: a context error, not the dropped connection", r.err)
	}
	if r.comp.Text == "" || r.comp.Text != strings.Join(pieces, "") {
		t.Errorf("partial text %q, pieces %q", r.comp.Text, pieces)
	}
	t.Logf("after %d pieces: %v", len(pieces), r.err)

	// Now nothing listens on the port.
	r = finish(t, "Complete against a dead server", func() result {
		comp, err := c.Complete(ctx, hello(srv.Model, 0))
		return result{comp, err}
	})
	if !errors.As(r.err, &broken) || broken.Reason != provider.BrokenUnreachable {
		t.Errorf("Complete against a dead server: err = %v (%T), want BrokenError %q", r.err, r.err, provider.BrokenUnreachable)
	}
}
