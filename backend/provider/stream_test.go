package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
)

// noSharedClass is a classify that finds none of the shared classes.
func noSharedClass(error) (error, bool) { return nil, false }

func TestStreamAccumulatorPassesPiecesOnAndKeepsTheWhole(t *testing.T) {
	var got []Delta
	acc := NewStreamAccumulator(func(d Delta) { got = append(got, d) })
	acc.Emit("", "thinking ")
	acc.Emit("", "")
	acc.Emit("Hel", "")
	acc.Emit("lo", "")
	acc.Usage = Usage{PromptTokens: 3, CompletionTokens: 2}
	acc.End("length")
	comp, err := acc.Result("op", "the marker", io.ErrUnexpectedEOF, func(error) (error, bool) {
		t.Error("a whole answer's ending error was classified")
		return nil, false
	})
	if err != nil {
		t.Fatalf("an answer whose end marker arrived: %v", err)
	}
	want := []Delta{{Reasoning: "thinking "}, {Text: "Hel"}, {Text: "lo"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pieces passed on %v, want %v (an empty piece is not passed on)", got, want)
	}
	if comp.Text != "Hello" || comp.Reasoning != "thinking " || comp.FinishReason != "length" || comp.Usage.CompletionTokens != 2 {
		t.Errorf("completion %+v", comp)
	}
}

func TestStreamAccumulatorWithoutCallerKeepsTheWhole(t *testing.T) {
	acc := NewStreamAccumulator(nil)
	acc.Emit("a", "b")
	acc.End("stop")
	if comp, err := acc.Result("op", "m", nil, noSharedClass); err != nil || comp.Text != "a" || comp.Reasoning != "b" {
		t.Errorf("Result = %+v, %v", comp, err)
	}
}

func TestStreamAccumulatorSaysHowAStreamBroke(t *testing.T) {
	shared := &BrokenError{Reason: BrokenDropped}
	tests := []struct {
		name     string
		err      error
		classify func(error) (error, bool)
		reason   BrokenReason
		text     string
	}{
		{"a class every protocol shares", io.ErrUnexpectedEOF, func(error) (error, bool) { return shared, true }, BrokenDropped, ""},
		{"an error inside a 200 stream", errors.New(`{"error":"model crashed"}`), noSharedClass, BrokenErrorInStream, ""},
		{"a clean end without marker", nil, noSharedClass, BrokenNoEndMarker, "op: body ended without done:true"},
	}
	for _, tt := range tests {
		acc := NewStreamAccumulator(nil)
		acc.Emit("partial", "")
		comp, err := acc.Result("op", "done:true", tt.err, tt.classify)
		var broken *BrokenError
		if !errors.As(err, &broken) || broken.Reason != tt.reason {
			t.Errorf("%s: %v, want a broken stream for %s", tt.name, err, tt.reason)
			continue
		}
		if tt.err != nil && !errors.Is(err, tt.err) && broken != shared {
			t.Errorf("%s: %v does not wrap %v", tt.name, err, tt.err)
		}
		if tt.text != "" && broken.Err.Error() != tt.text {
			t.Errorf("%s: %q, want %q", tt.name, broken.Err, tt.text)
		}
		if comp.Text != "partial" || comp.FinishReason != "" {
			t.Errorf("%s: completion %+v, want what arrived", tt.name, comp)
		}
	}
}

func TestStreamAccumulatorLeavesCancellingToClassify(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	acc := NewStreamAccumulator(nil)
	_, err := acc.Result("op", "m", ctx.Err(), func(err error) (error, bool) { return fmt.Errorf("op: %w", err), true })
	var broken *BrokenError
	if !errors.Is(err, context.Canceled) || errors.As(err, &broken) {
		t.Errorf("a cancelled stream: %v, want the cancel and no broken stream", err)
	}
}
