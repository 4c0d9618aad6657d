package chat

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"brook/backend/events"
)

// textEvents returns the answer text each event carried, in order.
func (r *recordingEmitter) textEvents() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ev := range r.events {
		if ev.Phase == events.PhaseStreaming && ev.Text != "" {
			out = append(out, ev.Text)
		}
	}
	return out
}

// The first words go out at the engine's own frame however slowly the UI
// paints; after them, text waits for the UI's paint interval, and the final
// event brings whatever waited.
func TestRelayHoldsTextForThePaintIntervalOnlyAfterTheFirstWords(t *testing.T) {
	emitter := &recordingEmitter{}
	r := newRelay(relayConfig{
		messageID: 1, conversationID: 2, emitter: emitter,
		frame: time.Millisecond, checkpointEvery: time.Hour,
		paintInterval: func() time.Duration { return time.Hour },
		checkpoint:    func(string, string) error { return nil },
	}, "", "")
	go r.loop()

	r.append("First words", time.Now())
	waitFor(t, func() bool { return len(emitter.textEvents()) == 1 })

	for _, piece := range []string{" and", " the", " rest"} {
		r.append(piece, time.Now())
	}
	time.Sleep(50 * time.Millisecond) // fifty engine frames: none may send the rest
	if got := emitter.textEvents(); len(got) != 1 {
		t.Fatalf("text went out before the UI's paint interval: %q", got)
	}
	r.sendFinal(events.StreamEvent{Phase: events.PhaseFinal})
	if got := strings.Join(emitter.textEvents(), ""); got != "First words and the rest" {
		t.Fatalf("the events carried %q", got)
	}
}

// Checkpoints keep their own pace and send nothing: the database gets the
// text while the UI's paint interval holds its events back.
func TestRelayCheckpointsWithoutSendingWhileTextWaitsForThePaint(t *testing.T) {
	emitter := &recordingEmitter{}
	var checkpoints atomic.Int32
	var lastCheckpoint atomic.Value
	r := newRelay(relayConfig{
		messageID: 1, conversationID: 2, emitter: emitter,
		frame: time.Millisecond, checkpointEvery: time.Millisecond,
		paintInterval: func() time.Duration { return time.Hour },
		checkpoint: func(content, _ string) error {
			checkpoints.Add(1)
			lastCheckpoint.Store(content)
			return nil
		},
	}, "", "")
	go r.loop()

	r.append("One", time.Now())
	waitFor(t, func() bool { return len(emitter.textEvents()) == 1 })
	r.append(" two", time.Now())
	waitFor(t, func() bool { v, _ := lastCheckpoint.Load().(string); return v == "One two" })
	if got := emitter.textEvents(); len(got) != 1 {
		t.Fatalf("a checkpoint sent text the paint interval holds: %q", got)
	}
	r.sendFinal(events.StreamEvent{Phase: events.PhaseFinal})
	if got := strings.Join(emitter.textEvents(), ""); got != "One two" {
		t.Fatalf("the events carried %q", got)
	}
}

// Without a paint interval (the command line, or before the UI says one)
// text goes out at the engine's frame, as it arrives.
func TestRelaySendsAtTheEngineFrameWithoutAPaintInterval(t *testing.T) {
	emitter := &recordingEmitter{}
	r := newRelay(relayConfig{
		messageID: 1, conversationID: 2, emitter: emitter,
		frame: time.Millisecond, checkpointEvery: time.Hour,
		paintInterval: func() time.Duration { return 0 },
		checkpoint:    func(string, string) error { return nil },
	}, "", "")
	go r.loop()
	for i, piece := range []string{"a", "b", "c"} {
		r.append(piece, time.Now())
		waitFor(t, func() bool { return len(emitter.textEvents()) == i+1 })
	}
	r.sendFinal(events.StreamEvent{Phase: events.PhaseFinal})
}

func TestEngineCapsThePaintInterval(t *testing.T) {
	e := &Engine{}
	for _, c := range []struct{ in, want time.Duration }{
		{-time.Second, 0},
		{0, 0},
		{500 * time.Millisecond, 500 * time.Millisecond},
		{time.Hour, MaxPaintInterval},
	} {
		e.SetPaintInterval(c.in)
		if got := time.Duration(e.paintInterval.Load()); got != c.want {
			t.Errorf("SetPaintInterval(%s) kept %s, want %s", c.in, got, c.want)
		}
	}
}
