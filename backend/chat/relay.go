package chat

import (
	"context"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"brook/backend/events"
)

// relay is the one goroutine that reports one answer to the UI and
// checkpoints it. Text arrives from the provider on another goroutine; the
// relay coalesces it into at most one event per frame, and writes it to the
// database at most once per checkpoint interval, so neither the UI nor SQLite
// sees one call per token. Every event of an answer leaves from this
// goroutine, which keeps them in order (Wails keeps order per goroutine).
type relay struct {
	emitter         events.Emitter
	messageID       int64
	conversationID  int64
	frame           time.Duration
	checkpointEvery time.Duration
	checkpoint      func(content string) error

	mu            sync.Mutex
	text          []byte // the whole answer so far, prefix included
	tokens        int    // pieces received, the live rate's numerator
	firstTokenAt  time.Time
	phase         events.StreamPhase
	reason        string
	ahead         int    // queued: answers before this one
	waitingFor    string // waiting or recovering: what for, or how
	since         int64  // when the current wait began, Unix ms
	phaseAt       int    // how much of text came before the phase began
	phaseChanged  bool
	sentBytes     int // how much of text the UI has
	sentUTF16     int // the same length in UTF-16 units, the UI's string length
	checkpointed  int // how much of text the database has
	lastWriteTime time.Time

	seq      int64
	finalCh  chan events.StreamEvent
	finished chan struct{}
}

func newRelay(e *Engine, messageID, conversationID int64, prefix string) *relay {
	r := &relay{
		emitter:         e.cfg.Emitter,
		messageID:       messageID,
		conversationID:  conversationID,
		frame:           e.cfg.FrameInterval,
		checkpointEvery: e.cfg.CheckpointInterval,
		text:            []byte(prefix),
		phase:           events.PhaseWaiting,
		phaseChanged:    true,
		sentBytes:       len(prefix),
		sentUTF16:       utf16Len(prefix),
		checkpointed:    len(prefix),
		finalCh:         make(chan events.StreamEvent, 1),
		finished:        make(chan struct{}),
	}
	r.checkpoint = func(content string) error {
		return e.cfg.Store.CheckpointAnswer(context.Background(), messageID, content)
	}
	return r
}

// append adds a piece of answer text. It is called by the provider's goroutine.
func (r *relay) append(piece string, now time.Time) {
	if piece == "" {
		return
	}
	r.mu.Lock()
	if r.tokens == 0 {
		r.firstTokenAt = now
	}
	r.tokens++
	r.text = append(r.text, piece...)
	if r.phase == events.PhaseWaiting || r.phase == events.PhaseQueued {
		r.phase, r.phaseChanged = events.PhaseStreaming, true
	}
	r.mu.Unlock()
}

// setQueued reports, on the next frame, that the answer waits in Brook's
// queue with ahead answers before it.
func (r *relay) setQueued(ahead int, since time.Time) {
	r.mu.Lock()
	r.phase, r.ahead, r.since, r.phaseChanged = events.PhaseQueued, ahead, since.UnixMilli(), true
	r.mu.Unlock()
}

// setWaiting reports, on the next frame, that the request is sent and what
// the answer waits for, unless text has started arriving.
func (r *relay) setWaiting(waitingFor string, since time.Time) {
	r.mu.Lock()
	if r.tokens == 0 {
		r.phase, r.waitingFor, r.since, r.phaseChanged = events.PhaseWaiting, waitingFor, since.UnixMilli(), true
	}
	r.mu.Unlock()
}

// setRecovering reports, on the next frame, that the stream broke for
// reason and how the answer is being completed.
func (r *relay) setRecovering(reason, how string, since time.Time) {
	r.mu.Lock()
	r.phase, r.reason, r.waitingFor, r.since, r.phaseChanged = events.PhaseRecovering, reason, how, since.UnixMilli(), true
	r.phaseAt = len(r.text)
	r.mu.Unlock()
}

// snapshot returns the text so far, the number of pieces and when the first arrived.
func (r *relay) snapshot() (string, int, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.text), r.tokens, r.firstTokenAt
}

// shown returns the text so far that can be shown: whole characters only.
func (r *relay) shown() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.text[:completeUTF8Prefix(r.text, 0)])
}

// run emits and checkpoints until finish is called.
func (r *relay) run() {
	defer close(r.finished)
	tick := time.NewTicker(r.frame)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			r.flush(time.Now())
		case final := <-r.finalCh:
			r.flush(time.Now())
			final.Seq = r.nextSeq()
			final.MessageID, final.ConversationID = r.messageID, r.conversationID
			r.emitter.Emit(events.StreamEventName, final)
			return
		}
	}
}

// finish sends the final event after any pending delta and waits until it is out.
// The caller has already stored the final message, so a UI that fetches it gets the truth.
func (r *relay) finish(final events.StreamEvent) {
	r.finalCh <- final
	<-r.finished
}

func (r *relay) nextSeq() int64 {
	r.seq++
	return r.seq
}

// flush sends what the UI has not seen and checkpoints when it is time.
func (r *relay) flush(now time.Time) {
	r.mu.Lock()
	phaseChanged := r.phaseChanged
	phaseEv := events.StreamEvent{Phase: r.phase, Reason: r.reason, Ahead: r.ahead, WaitingFor: r.waitingFor, Since: r.since}
	r.phaseChanged = false
	// Send only whole characters: a piece may end inside a multi-byte one.
	end := completeUTF8Prefix(r.text, r.sentBytes)
	// Text that came before a recovery began is sent before it is announced.
	split := end
	if phaseChanged && phaseEv.Phase == events.PhaseRecovering {
		split = min(max(r.phaseAt, r.sentBytes), end)
	}
	before, after := string(r.text[r.sentBytes:split]), string(r.text[split:end])
	at := r.sentUTF16
	r.sentBytes = end
	r.sentUTF16 += utf16Len(before) + utf16Len(after)
	rate := rateSince(r.tokens, r.firstTokenAt, now)
	var content string
	checkpointDue := r.checkpointed < len(r.text) && now.Sub(r.lastWriteTime) >= r.checkpointEvery
	if checkpointDue {
		content = string(r.text)
		r.checkpointed = len(r.text)
		r.lastWriteTime = now
	}
	r.mu.Unlock()

	// Queued and waiting come before any text; recovering after the text that streamed.
	phaseEvent := phaseChanged && phaseEv.Phase != events.PhaseStreaming
	early := phaseEv.Phase == events.PhaseWaiting || phaseEv.Phase == events.PhaseQueued
	if phaseEvent && early {
		r.emitPhase(phaseEv, at)
	}
	at = r.emitDelta(before, at, rate)
	if phaseEvent && !early {
		r.emitPhase(phaseEv, at)
	}
	r.emitDelta(after, at, rate)
	if checkpointDue {
		// A failed checkpoint is not fatal: the final write still comes, and
		// the next checkpoint retries with the whole text.
		if err := r.checkpoint(content); err != nil {
			r.mu.Lock()
			r.checkpointed = 0
			r.mu.Unlock()
		}
	}
}

// emitDelta sends text starting at UTF-16 offset at, if any, and returns where it ends.
func (r *relay) emitDelta(text string, at int, rate float64) int {
	if text == "" {
		return at
	}
	r.emitter.Emit(events.StreamEventName, events.StreamEvent{
		MessageID: r.messageID, ConversationID: r.conversationID, Seq: r.nextSeq(),
		Phase: events.PhaseStreaming, Text: text, At: at, TokensPerSecond: rate,
	})
	return at + utf16Len(text)
}

func (r *relay) emitPhase(ev events.StreamEvent, at int) {
	ev.MessageID, ev.ConversationID, ev.Seq, ev.At = r.messageID, r.conversationID, r.nextSeq(), at
	if ev.Phase != events.PhaseQueued {
		ev.Ahead = 0
	}
	r.emitter.Emit(events.StreamEventName, ev)
}

// completeUTF8Prefix returns the end of the longest prefix of b, at or after
// from, that does not stop inside a multi-byte character.
func completeUTF8Prefix(b []byte, from int) int {
	end := len(b)
	// A UTF-8 character is at most 4 bytes: look back no further than 3.
	for back := 1; back <= 3 && end-back >= from; back++ {
		c := b[end-back]
		if c < utf8.RuneSelf {
			return end
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[end-back:]) {
				return end
			}
			return end - back
		}
	}
	return end
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func rateSince(tokens int, first, now time.Time) float64 {
	if tokens < 2 || first.IsZero() {
		return 0
	}
	elapsed := now.Sub(first).Seconds()
	if elapsed <= 0 {
		return 0
	}
	return float64(tokens-1) / elapsed
}
