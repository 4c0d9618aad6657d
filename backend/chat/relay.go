package chat

import (
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"brook/backend/events"
)

// relay is the one goroutine that reports one answer to the UI and
// checkpoints it. Text and reasoning arrive from the provider on another
// goroutine; the relay coalesces them into at most one event of each per
// frame, and writes them to the database at most once per checkpoint
// interval, so neither the UI nor SQLite sees one call per token. Every event
// of an answer leaves from this goroutine, which keeps them in order (Wails
// keeps order per goroutine).
type relay struct {
	relayConfig

	// mu guards what the provider's goroutine and the loop share.
	mu        sync.Mutex
	text      relayPart    // the answer so far, prefix included
	reasoning relayPart    // the model's reasoning so far
	arrival   relayArrival // when the pieces came
	status    relayStatus  // what the answer is doing, as the UI is told
	lastWrite time.Time    // the last checkpoint

	// The loop's own: what wakes it, the final event it is handed, its end,
	// and the number of the last event it sent.
	wake chan struct{} // something changed: flush at the next frame
	// pending is set from the first change after a frame until the frame
	// that sends it: the pieces in between do not wake the loop again.
	pending  atomic.Bool
	finalCh  chan events.StreamEvent
	finished chan struct{}
	seq      int64
}

// relayConfig is what a relay is given: the answer it reports, where and
// how often it sends events, and how it checkpoints.
type relayConfig struct {
	messageID      int64
	conversationID int64
	emitter        events.Emitter
	frame          time.Duration // the least time between two frames
	// paintInterval, when set, is how often the UI paints an answer: once
	// the first words are out, frames come no more often than that (an
	// event the UI would hold until its next paint costs both processes
	// and shows nothing sooner).
	paintInterval   func() time.Duration
	checkpointEvery time.Duration
	// checkpoint writes the answer so far to the database.
	checkpoint func(content, reasoning string) error
}

// relayArrival is when an answer's pieces arrived, for the live rate and
// the thinking time.
type relayArrival struct {
	pieces       int       // pieces received, the live rate's numerator
	firstPieceAt time.Time // the first piece of either
	firstThought time.Time
	lastThought  time.Time
	firstWordAt  time.Time // the first piece of answer text
}

// relayStatus is the phase of an answer, as its phase events tell the UI.
type relayStatus struct {
	phase      events.StreamPhase
	reason     string // recovering: why the stream broke
	ahead      int    // queued: answers before this one
	waitingFor string // waiting or recovering: what for, or how
	since      int64  // when the current wait began, Unix ms
	changed    bool   // not told to the UI yet
}

// event is the status as a phase event, without the answer's identity.
func (s relayStatus) event() events.StreamEvent {
	return events.StreamEvent{Phase: s.phase, Reason: s.reason, Ahead: s.ahead, WaitingFor: s.waitingFor, Since: s.since}
}

// relayPart is one growing text of an answer (its words or its reasoning)
// and how much of it the UI and the database have.
type relayPart struct {
	buf          []byte
	sentBytes    int // how much the UI has
	sentUTF16    int // the same length in UTF-16 units, the UI's string length
	checkpointed int // how much the database has
	phaseAt      int // how much came before the current phase began
}

// take returns what the UI has not been sent, in whole characters, split at
// phaseAt when split is set; at is where it starts in UTF-16 units.
func (p *relayPart) take(split bool) (before, after string, at int) {
	end := completeUTF8Prefix(p.buf, p.sentBytes)
	cut := end
	if split {
		cut = min(max(p.phaseAt, p.sentBytes), end)
		for cut > p.sentBytes && cut < end && !utf8.RuneStart(p.buf[cut]) {
			cut-- // never split a character
		}
	}
	before, after, at = string(p.buf[p.sentBytes:cut]), string(p.buf[cut:end]), p.sentUTF16
	p.sentBytes = end
	p.sentUTF16 += utf16Len(before) + utf16Len(after)
	return before, after, at
}

// shown is the part so far in whole characters.
func (p *relayPart) shown() string { return string(p.buf[:completeUTF8Prefix(p.buf, 0)]) }

func newRelay(cfg relayConfig, prefix, reasoning string) *relay {
	r := &relay{
		relayConfig: cfg,
		text:        relayPart{buf: []byte(prefix), sentBytes: len(prefix), sentUTF16: utf16Len(prefix), checkpointed: len(prefix)},
		reasoning:   relayPart{buf: []byte(reasoning), sentBytes: len(reasoning), sentUTF16: utf16Len(reasoning), checkpointed: len(reasoning)},
		status:      relayStatus{phase: events.PhaseWaiting, changed: true, since: time.Now().UnixMilli()},
		wake:        make(chan struct{}, 1),
		finalCh:     make(chan events.StreamEvent, 1),
		finished:    make(chan struct{}),
	}
	r.poke() // the first frame tells the UI the answer is waiting
	return r
}

// append adds a piece of answer text. It is called by the provider's goroutine.
func (r *relay) append(piece string, now time.Time) {
	if piece == "" {
		return
	}
	r.mu.Lock()
	r.arrivedLocked(now)
	if r.arrival.firstWordAt.IsZero() {
		r.arrival.firstWordAt = now
	}
	r.text.buf = append(r.text.buf, piece...)
	r.mu.Unlock()
	r.poke()
}

// appendReasoning adds a piece of the model's reasoning.
func (r *relay) appendReasoning(piece string, now time.Time) {
	if piece == "" {
		return
	}
	r.mu.Lock()
	r.arrivedLocked(now)
	if r.arrival.firstThought.IsZero() {
		r.arrival.firstThought = now
	}
	r.arrival.lastThought = now
	r.reasoning.buf = append(r.reasoning.buf, piece...)
	r.mu.Unlock()
	r.poke()
}

func (r *relay) arrivedLocked(now time.Time) {
	if r.arrival.pieces == 0 {
		r.arrival.firstPieceAt = now
	}
	r.arrival.pieces++
	if r.status.phase == events.PhaseWaiting || r.status.phase == events.PhaseQueued {
		r.status.phase, r.status.changed = events.PhaseStreaming, true
	}
}

// setQueued reports, on the next frame, that the answer waits in Brook's
// queue with ahead answers before it.
func (r *relay) setQueued(ahead int, since time.Time) {
	r.mu.Lock()
	st := &r.status
	st.phase, st.ahead, st.since, st.changed = events.PhaseQueued, ahead, since.UnixMilli(), true
	r.mu.Unlock()
	r.poke()
}

// setWaiting reports, on the next frame, that the request is sent and what
// the answer waits for, unless pieces have started arriving.
func (r *relay) setWaiting(waitingFor string, since time.Time) {
	r.mu.Lock()
	if r.arrival.pieces == 0 {
		st := &r.status
		st.phase, st.waitingFor, st.since, st.changed = events.PhaseWaiting, waitingFor, since.UnixMilli(), true
	}
	r.mu.Unlock()
	r.poke()
}

// setRecovering reports, on the next frame, that the stream broke for
// reason and how the answer is being completed.
func (r *relay) setRecovering(reason, how string, since time.Time) {
	r.mu.Lock()
	st := &r.status
	st.phase, st.reason, st.waitingFor, st.since, st.changed = events.PhaseRecovering, reason, how, since.UnixMilli(), true
	r.text.phaseAt, r.reasoning.phaseAt = len(r.text.buf), len(r.reasoning.buf)
	r.mu.Unlock()
	r.poke()
}

// setRecoveryWait reports, on the next frame, what the recovery waits for
// now (how it goes on, or [events.WaitServerStuck]), when it is still
// recovering. The wait's start is kept: the counter goes on.
func (r *relay) setRecoveryWait(waitingFor string) {
	r.mu.Lock()
	if r.status.phase == events.PhaseRecovering && r.status.waitingFor != waitingFor {
		r.status.waitingFor, r.status.changed = waitingFor, true
	}
	r.mu.Unlock()
	r.poke()
}

// poke wakes the relay to flush at the next frame, unless a change since
// the last frame already did. It never blocks.
func (r *relay) poke() {
	if r.pending.Swap(true) {
		return
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// relaySnapshot is an answer as far as it has arrived.
type relaySnapshot struct {
	Text, Reasoning string
	Pieces          int
	FirstPieceAt    time.Time
	// ThinkingMs is how long the model reasoned: to its first word, or to
	// its last thought when no word came.
	ThinkingMs int64
}

// snapshot returns the answer so far, in whole characters.
func (r *relay) snapshot() relaySnapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	snap := relaySnapshot{Text: r.text.shown(), Reasoning: r.reasoning.shown(), Pieces: r.arrival.pieces, FirstPieceAt: r.arrival.firstPieceAt}
	if !r.arrival.firstThought.IsZero() {
		end := r.arrival.lastThought
		if !r.arrival.firstWordAt.IsZero() {
			end = r.arrival.firstWordAt
		}
		snap.ThinkingMs = end.Sub(r.arrival.firstThought).Milliseconds()
	}
	return snap
}

// loop emits and checkpoints until sendFinal is called. It works only when
// something changed: no timer runs while the answer waits or is quiet.
// Frames and checkpoints keep their own pace: a checkpoint sends nothing.
func (r *relay) loop() {
	defer close(r.finished)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	lastFrame := time.Now()
	var due time.Time // when the armed timer fires; zero when not armed
	woken, spoken := false, false
	arm := func(at time.Time) {
		if due.IsZero() || at.Before(due) {
			due = at
			timer.Reset(time.Until(at))
		}
	}
	for {
		select {
		case <-r.wake:
			woken = true
			arm(lastFrame.Add(r.frameInterval(spoken)))
			r.armCheckpoint(arm, woken, time.Now())
		case <-timer.C:
			due = time.Time{}
			now := time.Now()
			frame := woken && !now.Before(lastFrame.Add(r.frameInterval(spoken)))
			if frame {
				woken = false
				lastFrame = now
				r.pending.Store(false) // what arrives from here on wakes the loop again
			}
			if r.flush(now, frame) {
				spoken = true
			}
			if woken {
				arm(lastFrame.Add(r.frameInterval(spoken)))
			}
			r.armCheckpoint(arm, woken, now)
		case final := <-r.finalCh:
			r.flush(time.Now(), true)
			final.Seq = r.nextSeq()
			final.MessageID, final.ConversationID = r.messageID, r.conversationID
			r.emitter.Emit(events.StreamEventName, final)
			return
		}
	}
}

// armCheckpoint arms the next checkpoint: when text arrived that the
// database has not got, or, while a frame waits (woken), a look again one
// interval on, since what arrives meanwhile does not wake the loop.
func (r *relay) armCheckpoint(arm func(time.Time), woken bool, now time.Time) {
	if at, ok := r.checkpointDue(); ok {
		arm(at)
	} else if woken && r.checkpointEvery > 0 {
		arm(now.Add(r.checkpointEvery))
	}
}

// frameInterval is the least time between two frames: the engine's frame,
// or the UI's paint interval when longer once the first words are out (the
// first words are never held back).
func (r *relay) frameInterval(spoken bool) time.Duration {
	if spoken && r.paintInterval != nil {
		return max(r.frame, r.paintInterval())
	}
	return r.frame
}

// checkpointDue says when the next checkpoint is due, if any text or
// reasoning has arrived that the database has not got.
func (r *relay) checkpointDue() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.text.checkpointed < len(r.text.buf) || r.reasoning.checkpointed < len(r.reasoning.buf) {
		return r.lastWrite.Add(r.checkpointEvery), true
	}
	return time.Time{}, false
}

// sendFinal sends the final event after any pending delta and waits until it is out.
// The caller has already stored the final message, so a UI that fetches it gets the truth.
func (r *relay) sendFinal(final events.StreamEvent) {
	r.finalCh <- final
	<-r.finished
}

func (r *relay) nextSeq() int64 {
	r.seq++
	return r.seq
}

// flush checkpoints when it is time and, when frame is set, sends what the
// UI has not seen. It reports whether it sent words or reasoning.
func (r *relay) flush(now time.Time, frame bool) (spoke bool) {
	r.mu.Lock()
	checkpointDue := (r.text.checkpointed < len(r.text.buf) || r.reasoning.checkpointed < len(r.reasoning.buf)) &&
		now.Sub(r.lastWrite) >= r.checkpointEvery
	var content, reasoning string
	if checkpointDue {
		content, reasoning = string(r.text.buf), string(r.reasoning.buf)
		r.text.checkpointed, r.reasoning.checkpointed = len(r.text.buf), len(r.reasoning.buf)
		r.lastWrite = now
	}
	if !frame {
		r.mu.Unlock()
		r.checkpointOrRetry(checkpointDue, content, reasoning)
		return false
	}
	phaseChanged := r.status.changed
	phaseEv := r.status.event()
	r.status.changed = false
	// What came before a recovery began is sent before it is announced.
	split := phaseChanged && phaseEv.Phase == events.PhaseRecovering
	thoughtBefore, thoughtAfter, thoughtAt := r.reasoning.take(split)
	textBefore, textAfter, at := r.text.take(split)
	rate := rateSince(r.arrival.pieces, r.arrival.firstPieceAt, now)
	r.mu.Unlock()

	// Queued and waiting come before any text; recovering after what streamed.
	phaseEvent := phaseChanged && phaseEv.Phase != events.PhaseStreaming
	early := phaseEv.Phase == events.PhaseWaiting || phaseEv.Phase == events.PhaseQueued
	if phaseEvent && early {
		r.emitPhase(phaseEv, at)
	}
	// Reasoning comes before the answer it leads to.
	thoughtAt = r.emitReasoning(thoughtBefore, thoughtAt, at, rate)
	at = r.emitText(textBefore, at, rate)
	if phaseEvent && !early {
		r.emitPhase(phaseEv, at)
	}
	r.emitReasoning(thoughtAfter, thoughtAt, at, rate)
	r.emitText(textAfter, at, rate)
	r.checkpointOrRetry(checkpointDue, content, reasoning)
	return thoughtBefore+thoughtAfter+textBefore+textAfter != ""
}

// checkpointOrRetry writes the answer so far when due. A failed checkpoint
// is not fatal: the final write still comes, and the next checkpoint
// retries with the whole text.
func (r *relay) checkpointOrRetry(due bool, content, reasoning string) {
	if !due {
		return
	}
	if err := r.checkpoint(content, reasoning); err != nil {
		r.mu.Lock()
		r.text.checkpointed, r.reasoning.checkpointed = 0, 0
		r.mu.Unlock()
	}
}

// emitText sends answer text starting at UTF-16 offset at, if any, and returns where it ends.
func (r *relay) emitText(text string, at int, rate float64) int {
	if text == "" {
		return at
	}
	r.emitter.Emit(events.StreamEventName, events.StreamEvent{
		MessageID: r.messageID, ConversationID: r.conversationID, Seq: r.nextSeq(),
		Phase: events.PhaseStreaming, Text: text, At: at, TokensPerSecond: rate,
	})
	return at + utf16Len(text)
}

// emitReasoning sends reasoning starting at UTF-16 offset thoughtAt, if any,
// and returns where it ends; textAt is where the answer text stands.
func (r *relay) emitReasoning(reasoning string, thoughtAt, textAt int, rate float64) int {
	if reasoning == "" {
		return thoughtAt
	}
	r.emitter.Emit(events.StreamEventName, events.StreamEvent{
		MessageID: r.messageID, ConversationID: r.conversationID, Seq: r.nextSeq(),
		Phase: events.PhaseStreaming, Reasoning: reasoning, ReasoningAt: thoughtAt, At: textAt, TokensPerSecond: rate,
	})
	return thoughtAt + utf16Len(reasoning)
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
