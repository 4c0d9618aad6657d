package chat

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"brook/backend/events"
)

// recordingEmitter keeps every stream event, in order.
type recordingEmitter struct {
	mu     sync.Mutex
	events []events.StreamEvent
}

func (r *recordingEmitter) Emit(name string, payload any) {
	if name != events.StreamEventName {
		return
	}
	ev, ok := payload.(events.StreamEvent)
	if !ok {
		return
	}
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

// relayPlan is one way of feeding a text and a reasoning to a relay, read
// from fuzzed control bytes: each step appends the next 1 to 8 bytes of the
// text or of the reasoning (cut anywhere, inside a character too), or
// flushes, or (only between whole characters, as the provider's pieces
// always are) starts a recovery.
type relayStep struct {
	kind byte // 't' text, 'r' reasoning, 'f' flush, 'R' recovery
	n    int
}

func relayPlan(plan []byte, text, reasoning []byte) []relayStep {
	var steps []relayStep
	ti, ri, idle := 0, 0, 0
	for i := 0; ti < len(text) || ri < len(reasoning); i++ {
		var c byte
		if len(plan) > 0 {
			c = plan[i%len(plan)] ^ byte(i/len(plan)) // varies when the plan wraps
		}
		n := int(c>>5) + 1
		kind := c & 7
		if idle == 2 {
			kind = 0 // two flushes or recoveries in a row: take input next
		}
		idle++
		switch kind {
		case 0, 1, 2:
			if ti < len(text) {
				n = min(n, len(text)-ti)
				steps, ti, idle = append(steps, relayStep{'t', n}), ti+n, 0
				continue
			}
		case 3, 4:
			if ri < len(reasoning) {
				n = min(n, len(reasoning)-ri)
				steps, ri, idle = append(steps, relayStep{'r', n}), ri+n, 0
				continue
			}
		case 5, 6:
			steps = append(steps, relayStep{kind: 'f'})
			continue
		case 7:
			steps = append(steps, relayStep{kind: 'R'})
			continue
		}
		idle = 0
		// The chosen part is used up: take from the other.
		if ti < len(text) {
			n = min(n, len(text)-ti)
			steps, ti = append(steps, relayStep{'t', n}), ti+n
		} else {
			n = min(n, len(reasoning)-ri)
			steps, ri = append(steps, relayStep{'r', n}), ri+n
		}
	}
	return steps
}

// FuzzRelayDeltas feeds arbitrary bytes, cut into arbitrary pieces, through
// a relay and checks what reaches the UI: whole characters only, at
// consecutive UTF-16 offsets, and in the end exactly what came in.
func FuzzRelayDeltas(f *testing.F) {
	for _, s := range []struct{ prefix, text, reasoning, plan string }{
		{"", "Hello, world", "", "\x00\x05"},
		{"", "Grüße aus Tōkyō ✓ 😀 𝄞", "think 🤔 ü", "\x00\x03\x05\x20\x07"},
		{"Partial ans", "wer — ünïcödé 😀", "", "\x07\x00\x05\x00"},
		{"", "\xe2\x9c", "\xf0\x9f\x98", "\x00\x05"},
		{"", "a\xffb\xc3(\xe3\x80\x80\xed\xa0\x80z", "\x80\x80", "\x20\x05\x23"},
		{"é", "日本語のテキスト", "思考", "\x40\x47\x60\x05\x03"},
		{"", "no plan", "at all", ""},
	} {
		f.Add(s.prefix, []byte(s.text), []byte(s.reasoning), []byte(s.plan))
	}
	f.Fuzz(func(t *testing.T, prefix string, text, reasoning, plan []byte) {
		if len(text) > 512 {
			text = text[:512]
		}
		if len(reasoning) > 512 {
			reasoning = reasoning[:512]
		}
		if !utf8.ValidString(prefix) {
			// The prefix is a stored answer: always whole characters.
			prefix = strings.ToValidUTF8(prefix, "\uFFFD")
		}
		validText, validReasoning := utf8.Valid(text), utf8.Valid(reasoning)

		emitter := &recordingEmitter{}
		var checkpoints []string
		r := newRelay(relayConfig{
			messageID: 1, conversationID: 2, emitter: emitter,
			frame: time.Hour, checkpointEvery: 0,
			checkpoint: func(content, _ string) error {
				checkpoints = append(checkpoints, content)
				return nil
			},
		}, prefix, "")
		go r.loop() // a frame of an hour: it flushes only when finished

		now := time.Unix(1700000000, 0)
		ti, ri := 0, 0
		for _, st := range relayPlan(plan, text, reasoning) {
			now = now.Add(time.Millisecond)
			switch st.kind {
			case 't':
				r.append(string(text[ti:ti+st.n]), now)
				ti += st.n
			case 'r':
				r.appendReasoning(string(reasoning[ri:ri+st.n]), now)
				ri += st.n
			case 'f':
				r.flush(now, true)
			case 'R':
				// The provider's pieces are decoded JSON strings: a recovery
				// never begins inside a character.
				if utf8.Valid(text[:ti]) && utf8.Valid(reasoning[:ri]) {
					r.setRecovering("dropped", events.WaitContinue, now)
				}
			}
		}
		r.sendFinal(events.StreamEvent{Phase: events.PhaseFinal})

		var gotText, gotReasoning strings.Builder
		gotText.WriteString(prefix)
		textAt, thoughtAt := utf16Len(prefix), 0
		for i, ev := range emitter.events {
			if ev.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d", i, ev.Seq)
			}
			if ev.Phase != events.PhaseFinal && ev.At != textAt { // the final event carries the whole text instead
				t.Fatalf("event %d (%s) at %d, want %d (text so far %q)", i, ev.Phase, ev.At, textAt, gotText.String())
			}
			if ev.Reasoning != "" {
				if ev.Text != "" {
					t.Fatalf("event %d carries both text and reasoning", i)
				}
				if ev.ReasoningAt != thoughtAt {
					t.Fatalf("reasoning event %d at %d, want %d", i, ev.ReasoningAt, thoughtAt)
				}
				if validReasoning && !utf8.ValidString(ev.Reasoning) {
					t.Fatalf("reasoning delta %d %q is not valid UTF-8", i, ev.Reasoning)
				}
				thoughtAt += utf16Len(ev.Reasoning)
				gotReasoning.WriteString(ev.Reasoning)
			}
			if ev.Text != "" {
				if validText && !utf8.ValidString(ev.Text) {
					t.Fatalf("text delta %d %q is not valid UTF-8", i, ev.Text)
				}
				textAt += utf16Len(ev.Text)
				gotText.WriteString(ev.Text)
			}
		}
		if n := len(emitter.events); n == 0 || emitter.events[n-1].Phase != events.PhaseFinal {
			t.Fatalf("the final event is not last")
		}

		wantText := prefix + string(text)
		for _, part := range []struct {
			name, got, want string
			valid           bool
		}{
			{"text", gotText.String(), wantText, validText},
			{"reasoning", gotReasoning.String(), string(reasoning), validReasoning},
		} {
			if part.valid {
				if part.got != part.want {
					t.Fatalf("%s: the deltas add up to %q, want %q", part.name, part.got, part.want)
				}
				// The UI's string length is the sum of the deltas' lengths.
				continue
			}
			if !strings.HasPrefix(part.want, part.got) {
				t.Fatalf("%s: the deltas %q are not a prefix of the input %q", part.name, part.got, part.want)
			}
			// Only the start of a character that never ended is held back.
			if len(part.want)-len(part.got) >= utf8.UTFMax {
				t.Fatalf("%s: %d bytes never sent: %q of %q", part.name, len(part.want)-len(part.got), part.got, part.want)
			}
		}
		if validText && textAt != utf16Len(wantText) {
			t.Fatalf("text offsets end at %d, want %d", textAt, utf16Len(wantText))
		}
		if validReasoning && thoughtAt != utf16Len(string(reasoning)) {
			t.Fatalf("reasoning offsets end at %d, want %d", thoughtAt, utf16Len(string(reasoning)))
		}
		// Checkpoints hold the answer so far, never anything else.
		for i, c := range checkpoints {
			if !strings.HasPrefix(wantText, c) {
				t.Fatalf("checkpoint %d %q is not a prefix of %q", i, c, wantText)
			}
		}
		// What snapshot shows is whole characters of the input.
		snap := r.snapshot()
		if !bytes.HasPrefix([]byte(wantText), []byte(snap.Text)) || (validText && snap.Text != wantText) {
			t.Fatalf("snapshot text %q, input %q", snap.Text, wantText)
		}
	})
}
