package chat

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"brook/backend/events"
	"brook/backend/provider/ollama"
	"brook/backend/providertest"
	"brook/backend/store"
)

// finalOf returns the answer's final event.
func (h *harness) finalOf(id int64) events.StreamEvent {
	h.t.Helper()
	evs := h.recorder.StreamEvents(id)
	if len(evs) == 0 || evs[len(evs)-1].Phase != events.PhaseFinal {
		h.t.Fatal("no final event")
	}
	return evs[len(evs)-1]
}

func TestFinalEventCarriesTheMessageUpToTheLimit(t *testing.T) {
	m := store.Message{ID: 7, UID: "u", ConversationID: 3, Role: store.RoleAssistant, State: store.StateComplete, Reasoning: "hm"}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	// Content of one byte per character in JSON, so the size is exact.
	m.Content = strings.Repeat("a", events.MaxInlineFinalMessage-len(b))
	ev := finalEvent(m)
	if ev.Message == nil || !reflect.DeepEqual(*ev.Message, m) || ev.MessageOmitted || ev.State != "complete" {
		t.Fatalf("a message of exactly the limit: %+v", ev)
	}
	m.Content += "a"
	ev = finalEvent(m)
	if ev.Message != nil || !ev.MessageOmitted || ev.State != "complete" {
		t.Fatalf("a message one byte over the limit: %+v", ev)
	}
	if by, _ := json.Marshal(ev); len(by) > 8*1024 {
		t.Fatalf("the final event is %d bytes", len(by))
	}
}

func TestFinalEventOfABigAnswerLeavesItToBeFetched(t *testing.T) {
	answer := strings.Repeat("A long answer. ", events.MaxInlineFinalMessage/10)
	srv := providertest.NewOllama(providertest.Script{Answer: answer})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": ollama.New(srv.URL)})
	got := h.send("Tell me everything")
	if got.Content != answer || got.State != store.StateComplete {
		t.Fatalf("stored %d bytes (%s), want the whole answer", len(got.Content), got.State)
	}
	ev := h.finalOf(got.ID)
	if ev.Message != nil || !ev.MessageOmitted || ev.State != string(store.StateComplete) {
		t.Fatalf("final event of a %d-byte answer: message %v, omitted %v, state %q", len(answer), ev.Message != nil, ev.MessageOmitted, ev.State)
	}
}

// flakyFinish is a store whose final writes fail while failing is set, as
// a full disk or an I/O error makes them.
type flakyFinish struct {
	*store.Store
	failing atomic.Bool
	calls   atomic.Int64
}

var errDiskFull = errors.New("disk full")

func (f *flakyFinish) FinishAnswer(ctx context.Context, m store.Message) error {
	f.calls.Add(1)
	if f.failing.Load() {
		return errDiskFull
	}
	return f.Store.FinishAnswer(ctx, m)
}

func newFlakyHarness(t *testing.T, srvURL, unsavedDir string) (*harness, *flakyFinish) {
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	flaky := &flakyFinish{Store: st}
	flaky.failing.Store(true)
	rec := &events.Recorder{}
	eng := New(Config{
		Store: flaky, Providers: fixedProviders{"ep": ollama.New(srvURL)}, Emitter: rec,
		FrameInterval: 5 * time.Millisecond, CheckpointInterval: 20 * time.Millisecond, Clocks: &testClocks,
		SaveRetry: 5 * time.Millisecond, MaxSaveRetry: 20 * time.Millisecond, UnsavedDir: unsavedDir,
	})
	t.Cleanup(func() {
		eng.Close()
		st.Close()
	})
	return &harness{t: t, store: st, recorder: rec, engine: eng}, flaky
}

// TestAFailedFinalWriteKeepsTheWholeAnswer: when the final write fails,
// the answer is not lost past its last checkpoint. The window is shown it
// whole with why it is not saved; the engine keeps it in memory, sends it
// as it is in later turns, and writes it again until a write succeeds,
// then tells the window. Before, the failure was only logged: the end was
// lost and the answer stayed streaming.
func TestAFailedFinalWriteKeepsTheWholeAnswer(t *testing.T) {
	ctx := context.Background()
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	h, flaky := newFlakyHarness(t, srv.URL, "")
	res, err := h.engine.Send(ctx, SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)

	ev := h.finalOf(res.Answer.ID)
	if ev.State != string(store.StateComplete) || ev.Unsaved == "" || ev.Message == nil ||
		ev.Message.Content != providertest.DefaultAnswer || ev.Message.Unsaved != ev.Unsaved {
		t.Fatalf("final event of an answer not saved = %+v", ev)
	}
	// The database has a checkpoint at best, and still calls it streaming.
	if stored := h.answer(res.Answer.ID); stored.State != store.StateStreaming {
		t.Fatalf("stored meanwhile = %+v", stored)
	}
	// What the window reads, and what the next turn sends, is the whole answer.
	shown, err := h.engine.Message(ctx, res.Answer.ID)
	if err != nil || shown.Content != providertest.DefaultAnswer || shown.State != store.StateComplete || shown.Unsaved == "" {
		t.Fatalf("the window's view = %+v, %v", shown, err)
	}
	if path, _ := h.engine.ShownPath(ctx, res.Conversation.ID); len(path) != 2 || path[1].Content != providertest.DefaultAnswer {
		t.Fatalf("the window's path = %+v", path)
	}
	if unsaved := h.engine.Unsaved(); len(unsaved) != 1 || unsaved[0].ID != res.Answer.ID {
		t.Fatalf("Unsaved() = %+v", unsaved)
	}
	if _, err := h.engine.Continue(ctx, res.Answer.ID); !errors.Is(err, ErrNotSaved) {
		t.Fatalf("Continue of an answer not saved: %v, want ErrNotSaved", err)
	}
	if err := h.engine.SaveAgain(res.Answer.ID); err == nil {
		t.Fatal("Save again succeeded while writes fail")
	}
	// Writes are retried with backoff while they fail ...
	for flaky.calls.Load() < 4 {
		time.Sleep(5 * time.Millisecond)
	}
	// ... and the answer is written as soon as one succeeds.
	flaky.failing.Store(false)
	var saved events.AnswerSaved
	for {
		if evs := h.recorder.Events(); len(evs) > 0 {
			if s, ok := evs[len(evs)-1].Payload.(events.AnswerSaved); ok {
				saved = s
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if saved.MessageID != res.Answer.ID || saved.Message == nil || saved.Message.Content != providertest.DefaultAnswer {
		t.Fatalf("saved event = %+v", saved)
	}
	if got := h.answer(res.Answer.ID); got.Content != providertest.DefaultAnswer || got.State != store.StateComplete {
		t.Fatalf("stored at last = %+v", got)
	}
	if len(h.engine.Unsaved()) != 0 {
		t.Fatal("the answer is still held after it was stored")
	}
}

// TestAnswersNotSavedAtCloseComeBackAtTheNextStart: a closing that still
// cannot write an answer leaves it in a file, and the next start writes it.
func TestAnswersNotSavedAtCloseComeBackAtTheNextStart(t *testing.T) {
	ctx := context.Background()
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	dir := t.TempDir()
	h, _ := newFlakyHarness(t, srv.URL, dir)
	res, err := h.engine.Send(ctx, SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	h.engine.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files left at closing: %v", files)
	}
	// The next start: the store marks the answer interrupted, then the file is applied.
	h.store.Close()
	path := h.store.Path()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := ApplyUnsaved(ctx, st, dir)
	if err != nil || n != 1 {
		t.Fatalf("ApplyUnsaved = %d, %v", n, err)
	}
	got, err := st.GetMessage(ctx, res.Answer.ID)
	if err != nil || got.Content != providertest.DefaultAnswer || got.State != store.StateComplete {
		t.Fatalf("after the next start: %+v, %v", got, err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("files left after they were applied: %v", files)
	}
	if resume, _ := st.ToResume(ctx); len(resume) != 0 {
		t.Fatalf("a saved answer is offered to resume: %+v", resume)
	}
}
