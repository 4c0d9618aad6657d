//go:build linux

package realollama

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/chat"
	"brook/backend/contextwindow"
	"brook/backend/events"
	"brook/backend/provider/ollama"
	"brook/backend/store"
	"brook/tools/tinygguf/gguf"
)

// ollamaWindows asks the real server for every model's window.
type ollamaWindows struct{ src *contextwindow.Ollama }

func (o ollamaWindows) ContextWindow(ctx context.Context, _, model string) (contextwindow.Window, contextwindow.Counter, error) {
	w, err := o.src.Window(ctx, model)
	return w, nil, err
}

// wideModel is the tiny model trained, so to speak, for 16,384 tokens: the
// server's default window (4,096 on a CPU) is smaller than the model's.
const wideModel = "tiny-wide"

func startWide(t *testing.T) (*Server, engineRun) {
	t.Helper()
	srv := Start(t)
	shape := gguf.DefaultTiny
	shape.ContextLength = 16384
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := srv.AddShape(ctx, wideModel, shape, map[string]any{"num_predict": 8, "temperature": 0}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := contextwindow.NewOllama(srv.URL, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rec := &events.Recorder{}
	eng := chat.New(chat.Config{
		Store: st, Providers: oneEndpoint{ollama.New(srv.URL)}, Windows: ollamaWindows{src}, Emitter: rec,
		RecoveryBackoff: 50 * time.Millisecond, MaxRecoveryWait: time.Second,
		Clocks: &chat.Clocks{FirstTokenCeiling: 120 * time.Second, StallCeiling: 30 * time.Second},
	})
	t.Cleanup(func() { eng.Close(); st.Close() })
	return srv, engineRun{eng, st, rec}
}

// paragraph is about n characters of plain English, numbered so each differs.
func paragraph(i, n int) string {
	words := strings.Fields("the river runs past the old mill and the children watch the water carry leaves toward the sea")
	var b strings.Builder
	fmt.Fprintf(&b, "Part %d. ", i)
	for j := 0; b.Len() < n; j++ {
		b.WriteString(words[j%len(words)])
		b.WriteByte(' ')
	}
	return b.String()
}

// sendAndWait sends text in conversation conv (0 for a new one) and waits
// for a whole answer.
func (r engineRun) sendAndWait(t *testing.T, conv int64, text string) (int64, store.Message) {
	t.Helper()
	res, err := r.engine.Send(context.Background(), chat.SendRequest{ConversationID: conv, Text: text, EndpointID: "ollama", Model: wideModel})
	if err != nil {
		t.Fatal(err)
	}
	m := r.wait(t, res.Answer.ID)
	if m.State != store.StateComplete {
		t.Fatalf("answer %s: %s (%s)", m.State, m.Error, m.EndReason)
	}
	return res.Conversation.ID, m
}

// TestNumCtxRaisedPerConversation: a conversation longer than Ollama's
// default window gets a larger num_ctx for itself, the real server reads
// every token of it (it was told not to truncate, so it would have refused
// otherwise), and what it counted is what Brook said it would send.
func TestNumCtxRaisedPerConversation(t *testing.T) {
	srv, r := startWide(t)
	ctx := context.Background()
	conv, first := r.sendAndWait(t, 0, paragraph(0, 1500))
	if first.PromptTokens == 0 || first.PromptEstimate == 0 {
		t.Fatalf("first answer: %+v", first)
	}
	var last store.Message
	var before chat.ContextView
	for i := 1; ; i++ {
		text := paragraph(i, 1500)
		var err error
		before, err = r.engine.ContextPlan(ctx, conv, "", "", text)
		if err != nil {
			t.Fatal(err)
		}
		_, last = r.sendAndWait(t, conv, text)
		if before.NumCtx > 0 || i == 8 {
			break
		}
	}
	if before.NumCtx <= 4096 || before.Window.Tokens != 4096 || before.Window.Max != 16384 {
		t.Fatalf("the conversation never outgrew the default window: %+v", before.Plan)
	}
	// The model read more than the default window holds: num_ctx took effect.
	if last.PromptTokens <= 4096-before.Reserve || last.ContextLeftOut != 0 {
		t.Fatalf("Ollama counted %d prompt tokens, %d messages left out", last.PromptTokens, last.ContextLeftOut)
	}
	ps, err := srv.API().ListRunning(ctx)
	if err != nil || len(ps.Models) == 0 || ps.Models[0].ContextLength != before.NumCtx {
		t.Fatalf("/api/ps = %+v, %v; want the model loaded with num_ctx %d", ps, err, before.NumCtx)
	}
	// What Brook said it would send, corrected by the counts so far, is what
	// Ollama counted, within a few percent.
	said := before.Used - before.Reserve
	if off := math.Abs(float64(said-last.PromptTokens)) / float64(last.PromptTokens); off > 0.05 {
		t.Errorf("Brook said %d tokens, Ollama counted %d (%.1f%% off)", said, last.PromptTokens, 100*off)
	}
	t.Logf("num_ctx %d; Brook said %d tokens, Ollama counted %d", before.NumCtx, said, last.PromptTokens)

	// Another conversation that fits asks for nothing: the window is per conversation.
	other, err := r.engine.ContextPlan(ctx, 0, "ollama", wideModel, "hello")
	if err != nil || other.NumCtx != 0 || !other.Fits {
		t.Errorf("a short conversation: %+v, %v", other.Plan, err)
	}
}

// TestLeftOutMessagesAreNotRead: with leaving out chosen, the conversation
// stays in the default window and Ollama reads only what Brook said it sent.
func TestLeftOutMessagesAreNotRead(t *testing.T) {
	_, r := startWide(t)
	ctx := context.Background()
	conv, _ := r.sendAndWait(t, 0, paragraph(0, 1500))
	if err := r.engine.SetContextChoice(ctx, conv, contextwindow.ChoiceLeaveOut); err != nil {
		t.Fatal(err)
	}
	var before chat.ContextView
	var last store.Message
	for i := 1; i <= 8; i++ {
		text := paragraph(i, 1500)
		var err error
		if before, err = r.engine.ContextPlan(ctx, conv, "", "", text); err != nil {
			t.Fatal(err)
		}
		_, last = r.sendAndWait(t, conv, text)
		if len(before.LeftOut) > 0 {
			break
		}
	}
	if len(before.LeftOut) == 0 || before.NumCtx != 0 {
		t.Fatalf("nothing was left out: %+v", before.Plan)
	}
	if last.ContextLeftOut != len(before.LeftOut) || last.PromptTokens > 4096 {
		t.Fatalf("answer left out %d (plan %d); Ollama counted %d", last.ContextLeftOut, len(before.LeftOut), last.PromptTokens)
	}
	said := before.Used - before.Reserve
	if off := math.Abs(float64(said-last.PromptTokens)) / float64(last.PromptTokens); off > 0.05 {
		t.Errorf("Brook said %d tokens, Ollama counted %d (%.1f%% off)", said, last.PromptTokens, 100*off)
	}
	t.Logf("%d messages left out; Brook said %d tokens, Ollama counted %d", len(before.LeftOut), said, last.PromptTokens)
}
