package chat

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/provider/openai"
	"brook/backend/providertest"
	"brook/backend/store"
)

// gatedFinish is a store whose final writes wait until the gate opens, so
// a test can act while Close waits for an answer to be written.
type gatedFinish struct {
	*store.Store
	reached chan struct{}
	gate    chan struct{}
}

func (g *gatedFinish) FinishAnswer(ctx context.Context, m store.Message) error {
	select {
	case g.reached <- struct{}{}:
	default:
	}
	<-g.gate
	return g.Store.FinishAnswer(ctx, m)
}

// TestActionsAfterCloseBeganAreRefused: once Close has begun, a Send (or
// any action) fails with ErrClosing before it touches the store, even while
// Close still waits for an answer to be written. Before, it went on and
// could run after the store closed.
func TestActionsAfterCloseBeganAreRefused(t *testing.T) {
	ctx := context.Background()
	srv := providertest.NewOllama(providertest.Script{TokenDelay: 20 * time.Millisecond})
	defer srv.Close()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gated := &gatedFinish{Store: st, reached: make(chan struct{}, 1), gate: make(chan struct{})}
	eng := New(Config{Store: gated, Providers: fixedProviders{"ep": ollama.New(srv.URL)}, Emitter: &events.Recorder{},
		FrameInterval: 5 * time.Millisecond, CheckpointInterval: 20 * time.Millisecond, Clocks: &testClocks})
	res, err := eng.Send(ctx, SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		eng.Close()
		close(closed)
	}()
	<-gated.reached // Close has cancelled the answer, which waits to be written
	before, _ := st.ListConversations(ctx, store.ListOptions{})

	actions := map[string]func() error{
		"Send new": func() error {
			_, err := eng.Send(ctx, SendRequest{Text: "late", EndpointID: "ep", Model: "tiny"})
			return err
		},
		"Send": func() error {
			_, err := eng.Send(ctx, SendRequest{ConversationID: res.Conversation.ID, Text: "late"})
			return err
		},
		"Retry":         func() error { _, err := eng.Retry(ctx, res.Answer.ID); return err },
		"Continue":      func() error { _, err := eng.Continue(ctx, res.Answer.ID); return err },
		"EditAndResend": func() error { _, err := eng.EditAndResend(ctx, res.User.ID, "late"); return err },
		"ShowVersion":   func() error { _, err := eng.ShowVersion(ctx, res.User.ID); return err },
		"Resume":        func() error { _, err := eng.ResumeInterrupted(ctx); return err },
	}
	for name, act := range actions {
		if err := act(); !errors.Is(err, ErrClosing) {
			t.Errorf("%s after Close began: %v, want ErrClosing", name, err)
		}
	}
	if after, _ := st.ListConversations(ctx, store.ListOptions{}); len(after) != len(before) {
		t.Fatalf("a refused Send created a conversation: %d, then %d", len(before), len(after))
	}
	close(gated.gate)
	<-closed
	if m, _ := st.GetMessage(ctx, res.Answer.ID); m.State != store.StateInterrupted || m.EndReason != store.EndAppClosed {
		t.Fatalf("the answer Close cut = %+v", m)
	}
}

// TestAnswersCutByClosingAreResumedAtTheNextStart: an answer that Brook's
// closing cut short is continued at the next start where the server can
// continue, and marked finished after a restart; elsewhere it stays, to be
// retried or continued by the user.
func TestAnswersCutByClosingAreResumedAtTheNextStart(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("Words keep flowing down the brook. ", 12)
	srv := providertest.NewOllama(providertest.Script{Answer: long, Tokens: providertest.SplitTokens(long, 4), TokenDelay: 15 * time.Millisecond})
	defer srv.Close()
	generic := providertest.NewOpenAI(providertest.Script{Answer: long, Tokens: providertest.SplitTokens(long, 4), TokenDelay: 15 * time.Millisecond})
	defer generic.Close()
	path := filepath.Join(t.TempDir(), "brook.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	providers := profiledProviders{
		clients: fixedProviders{"ollama": ollama.New(srv.URL), "generic": openai.New(generic.URL, "")},
		profiles: map[string]provider.ServerProfile{
			"ollama":  {Kind: provider.ServerOllama, MaxParallel: 4},
			"generic": {Kind: provider.ServerGeneric, MaxParallel: 4},
		},
	}
	config := Config{Store: st, Providers: providers, Emitter: &events.Recorder{},
		FrameInterval: 5 * time.Millisecond, CheckpointInterval: 10 * time.Millisecond, Clocks: &testClocks}
	eng := New(config)
	cut := map[string]store.Message{}
	for _, ep := range []string{"ollama", "generic"} {
		res, err := eng.Send(ctx, SendRequest{Text: "tell me", EndpointID: ep, Model: "tiny"})
		if err != nil {
			t.Fatal(err)
		}
		cut[ep] = res.Answer
	}
	time.Sleep(120 * time.Millisecond) // both answers are part way
	eng.Close()
	st.Close()

	st, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	partial := map[string]string{}
	for ep, m := range cut {
		got, _ := st.GetMessage(ctx, m.ID)
		if got.State != store.StateInterrupted || got.EndReason != store.EndAppClosed || got.Content == "" || got.Content == long {
			t.Fatalf("%s: the answer the closing cut = %+v", ep, got)
		}
		partial[ep] = got.Content
	}
	config.Store = st
	eng = New(config)
	defer eng.Close()
	resumed, err := eng.ResumeInterrupted(ctx)
	if err != nil || len(resumed) != 1 || resumed[0] != cut["ollama"].ID {
		t.Fatalf("ResumeInterrupted = %v, %v; want the Ollama answer alone", resumed, err)
	}
	eng.Wait(resumed[0])
	got, _ := st.GetMessage(ctx, cut["ollama"].ID)
	if got.State != store.StateComplete || !got.Resumed || got.Content != long || !strings.HasPrefix(got.Content, partial["ollama"]) {
		t.Fatalf("the resumed answer = %+v", got)
	}
	if other, _ := st.GetMessage(ctx, cut["generic"].ID); other.State != store.StateInterrupted || other.Content != partial["generic"] {
		t.Fatalf("the answer on a server that cannot continue = %+v", other)
	}
	// Taken up once: a second start finds nothing more to resume.
	if again, err := eng.ResumeInterrupted(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second ResumeInterrupted = %v, %v", again, err)
	}
}
