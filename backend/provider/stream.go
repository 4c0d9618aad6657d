package provider

import (
	"fmt"
	"strings"
)

// StreamAccumulator assembles a streamed answer inside an adapter's
// [Client.Stream]: it hands each piece to the caller as it arrives, keeps
// the whole, and when the stream is over says whether it was whole or how it
// broke. Every adapter ends its streams through one, so that they all keep
// the contract of [Client.Stream] the same way.
type StreamAccumulator struct {
	onDelta         func(Delta)
	text, reasoning strings.Builder
	ended           bool
	finishReason    string
	calls           []ToolCall // assembled by index

	// Usage and Timings are the server's counts, set by the adapter when
	// the server reports them.
	Usage   Usage
	Timings Timings
}

// NewStreamAccumulator returns an accumulator that passes every piece to
// onDelta, which may be nil.
func NewStreamAccumulator(onDelta func(Delta)) *StreamAccumulator {
	return &StreamAccumulator{onDelta: onDelta}
}

// Emit adds a piece of answer text and of reasoning, either of which may be
// empty, and passes it on. A piece with neither is not passed on.
func (a *StreamAccumulator) Emit(text, reasoning string) {
	if text == "" && reasoning == "" {
		return
	}
	a.text.WriteString(text)
	a.reasoning.WriteString(reasoning)
	if a.onDelta != nil {
		a.onDelta(Delta{Text: text, Reasoning: reasoning})
	}
}

// EmitToolCall adds a piece of the tool call at index: its id and name when
// they come (a later non-empty one replaces an earlier), and a piece of its
// arguments, appended. Pieces of one call may arrive split across chunks, and
// calls by index in any order; an index past the end adds calls. The piece
// is passed on as a [Delta] with only ToolCall set.
func (a *StreamAccumulator) EmitToolCall(d ToolCallDelta) {
	if d.Index < 0 || d.Index > maxToolCalls {
		return
	}
	for len(a.calls) <= d.Index {
		a.calls = append(a.calls, ToolCall{})
	}
	c := &a.calls[d.Index]
	if d.ID != "" {
		c.ID = d.ID
	}
	if d.Name != "" {
		c.Name = d.Name
	}
	c.Arguments += d.Arguments
	if a.onDelta != nil {
		a.onDelta(Delta{ToolCall: &d})
	}
}

// maxToolCalls bounds the index of a call in one answer, so a server's
// nonsense index cannot make Brook allocate without end.
const maxToolCalls = 128

// ToolCallCount is how many call places the stream has opened so far.
func (a *StreamAccumulator) ToolCallCount() int { return len(a.calls) }

// ToolCalls returns the calls assembled so far. Calls that never got a name
// (an index the server skipped) are left out; calls without an id get one
// from their place, "call_<index>", so results can be linked to them.
func (a *StreamAccumulator) ToolCalls() []ToolCall {
	var out []ToolCall
	for i, c := range a.calls {
		if c.Name == "" {
			continue
		}
		if c.ID == "" {
			c.ID = fmt.Sprintf("call_%d", i)
		}
		out = append(out, c)
	}
	return out
}

// End records that the stream's end marker arrived, with the server's
// finish reason: the answer is whole.
func (a *StreamAccumulator) End(finishReason string) {
	a.ended, a.finishReason = true, finishReason
}

// Ended reports whether the end marker has arrived.
func (a *StreamAccumulator) Ended() bool { return a.ended }

// Result returns what arrived and how the stream ended, as
// [Client.Stream] does. err is what reading the stream stopped with, nil for
// a clean end of the body.
//
// Once the end marker has arrived the answer is whole, and err does not
// matter: all it can have lost is what follows the marker. Otherwise
// classify sorts err into the classes every protocol shares (a cancelled
// context, an HTTP error status, a failed connection, a broken body), and
// what it leaves is an error inside a 200 stream, or, when err is nil, a
// body that ended without marker, the protocol's name for its end marker.
// op prefixes the errors made here.
//
// What the adapter held back and never emitted (the undecided tail of a
// [brook/backend/provider/thinktags] splitter) is not in a broken stream's Completion; a
// continuation writes it again.
func (a *StreamAccumulator) Result(op, marker string, err error, classify func(error) (error, bool)) (Completion, error) {
	comp := Completion{Text: a.text.String(), Reasoning: a.reasoning.String(), FinishReason: a.finishReason,
		Usage: a.Usage, Timings: a.Timings, ToolCalls: a.ToolCalls()}
	if a.ended {
		return comp, nil
	}
	if cerr, ok := classify(err); ok {
		return comp, cerr
	}
	if err != nil {
		return comp, &BrokenError{Reason: BrokenErrorInStream, Err: fmt.Errorf("%s: %w", op, err)}
	}
	return comp, &BrokenError{Reason: BrokenNoEndMarker, Err: fmt.Errorf("%s: body ended without %s", op, marker)}
}
