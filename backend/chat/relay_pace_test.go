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

// startPacedRelay starts a relay with a 1 ms engine frame, the given
// paint interval and checkpoints, recording its events.
func startPacedRelay(paint, checkpointEvery time.Duration, checkpoint func(content, reasoning string) error) (*relay, *recordingEmitter) {
	emitter := &recordingEmitter{}
	r := newRelay(relayConfig{
		messageID: 1, conversationID: 2, emitter: emitter,
		frame: time.Millisecond, checkpointEvery: checkpointEvery,
		paintInterval: func() time.Duration { return paint },
		checkpoint:    checkpoint,
	}, "", "")
	go r.loop()
	return r, emitter
}

func noCheckpoint(string, string) error { return nil }

// The first words go out at the engine's own frame however slowly the UI
// paints; after them, text waits for the UI's paint interval, and the final
// event brings whatever waited.
func TestRelayHoldsTextForThePaintIntervalOnlyAfterTheFirstWords(t *testing.T) {
	r, emitter := startPacedRelay(time.Hour, time.Hour, noCheckpoint)
	r.append("First words", time.Now())
	waitFor(t, func() bool { return len(emitter.textEvents()) == 1 })

	for _, piece := range []string{" and", " the", " rest"} {
		r.append(piece, time.Now())
	}
	time.Sleep(50 * time.Millisecond) // fifty engine frames: none may send the rest
	onlyFirstWordsThenAll(t, r, emitter, "First words and the rest")
}

// onlyFirstWordsThenAll checks that no event but the first words' went out,
// then ends the answer: its final flush must carry the rest, to want.
func onlyFirstWordsThenAll(t *testing.T, r *relay, emitter *recordingEmitter, want string) {
	t.Helper()
	if got := emitter.textEvents(); len(got) != 1 {
		t.Fatalf("text went out before the UI's paint interval: %q", got)
	}
	r.sendFinal(events.StreamEvent{Phase: events.PhaseFinal})
	if got := strings.Join(emitter.textEvents(), ""); got != want {
		t.Fatalf("the events carried %q, want %q", got, want)
	}
}

// Checkpoints keep their own pace and send nothing: the database gets the
// text while the UI's paint interval holds its events back.
func TestRelayCheckpointsWithoutSendingWhileTextWaitsForThePaint(t *testing.T) {
	var lastCheckpoint atomic.Value
	r, emitter := startPacedRelay(time.Hour, time.Millisecond, func(content, _ string) error {
		lastCheckpoint.Store(content)
		return nil
	})
	r.append("One", time.Now())
	waitFor(t, func() bool { return len(emitter.textEvents()) == 1 })
	r.append(" two", time.Now())
	waitFor(t, func() bool { v, _ := lastCheckpoint.Load().(string); return v == "One two" })
	onlyFirstWordsThenAll(t, r, emitter, "One two")
}

// Without a paint interval (the command line, or before the UI says one)
// text goes out at the engine's frame, as it arrives.
func TestRelaySendsAtTheEngineFrameWithoutAPaintInterval(t *testing.T) {
	r, emitter := startPacedRelay(0, time.Hour, noCheckpoint)
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
