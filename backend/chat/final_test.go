package chat

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
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

// finishFails is a store that cannot store final answers.
type finishFails struct{ *store.Store }

var errDiskFull = errors.New("disk full")

func (finishFails) FinishAnswer(context.Context, store.Message) error { return errDiskFull }

func TestFinalEventOfAnAnswerThatCouldNotBeStored(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	rec := &events.Recorder{}
	eng := New(Config{
		Store: finishFails{st}, Providers: fixedProviders{"ep": ollama.New(srv.URL)}, Emitter: rec,
		FrameInterval: 5 * time.Millisecond, CheckpointInterval: 20 * time.Millisecond, Clocks: &testClocks,
	})
	t.Cleanup(func() {
		eng.Close()
		st.Close()
	})
	h := &harness{t: t, store: st, recorder: rec, engine: eng}
	res, err := eng.Send(context.Background(), SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	eng.Wait(res.Answer.ID)
	// The UI is told the answer ended, and to read what the store has rather
	// than be shown an answer that was never stored.
	ev := h.finalOf(res.Answer.ID)
	if ev.Message != nil || !ev.MessageOmitted || ev.State != string(store.StateComplete) {
		t.Fatalf("final event %+v", ev)
	}
}
