package contextwindow

import (
	"slices"
	"testing"
)

// conversation is a system prompt, six earlier messages of 1,000 tokens
// and a question of 500.
func conversation() []Part {
	parts := []Part{{Kind: PartSystem, Tokens: 100}}
	for id := int64(1); id <= 6; id++ {
		parts = append(parts, Part{MessageID: id, Kind: PartHistory, Tokens: 1000})
	}
	return append(parts, Part{MessageID: 7, Kind: PartQuestion, Tokens: 500})
}

var ollamaWindow = Window{Tokens: 4096, Max: 32768, BytesPerToken: 1000}

func TestFitWhenItFits(t *testing.T) {
	p := Fit(conversation()[:3], ollamaWindow, 200, ChoiceUnset)
	if !p.Fits || p.NumCtx != 0 || p.NeedsChoice || len(p.LeftOut) != 0 || p.Limit != 4096 {
		t.Fatalf("plan %+v", p)
	}
	if p.Used != 2300 || p.System != 100 || p.History != 2000 || p.Reserve != 200 {
		t.Errorf("used %d (system %d, history %d, reserve %d)", p.Used, p.System, p.History, p.Reserve)
	}
}

func TestFitGrowsOllamasWindow(t *testing.T) {
	for _, choice := range []Choice{ChoiceUnset, ChoiceGrow} {
		p := Fit(conversation(), ollamaWindow, 200, choice)
		// 6,800 tokens: the next step of 2,048 is 8,192.
		if p.Fits || p.NumCtx != 8192 || p.Limit != 8192 || p.GrowTo != 8192 || len(p.LeftOut) != 0 {
			t.Fatalf("%q: plan %+v", choice, p)
		}
		if p.GrowBytes != (8192-4096)*1000 {
			t.Errorf("grow costs %d bytes", p.GrowBytes)
		}
		if p.NeedsChoice != (choice == ChoiceUnset) {
			t.Errorf("%q: needs choice = %v", choice, p.NeedsChoice)
		}
		if p.Used != p.Needed || p.Needed != 6800 {
			t.Errorf("used %d of needed %d", p.Used, p.Needed)
		}
	}
}

func TestFitLeavesOutTheOldest(t *testing.T) {
	p := Fit(conversation(), ollamaWindow, 200, ChoiceLeaveOut)
	// 6,800 in 4,096: the three oldest messages go, and 3,800 are sent.
	if !slices.Equal(p.LeftOut, []int64{1, 2, 3}) || p.NumCtx != 0 || p.Limit != 4096 {
		t.Fatalf("plan %+v", p)
	}
	if p.Used != 3800 || p.History != 3000 || p.Question != 500 || p.System != 100 || p.LeaveOutCount != 3 {
		t.Errorf("plan %+v", p)
	}
	if p.Sent(2) || !p.Sent(4) || !p.Sent(7) {
		t.Error("Sent disagrees with LeftOut")
	}
}

func TestFitOnAServerThatCannotGrow(t *testing.T) {
	w := Window{Tokens: 4096, Max: 4096}
	p := Fit(conversation(), w, 200, ChoiceGrow)
	if !slices.Equal(p.LeftOut, []int64{1, 2, 3}) || p.NumCtx != 0 || p.GrowTo != 0 {
		t.Fatalf("plan %+v", p)
	}
	// Unchosen, the user is told first.
	if p := Fit(conversation(), w, 200, ChoiceUnset); !p.NeedsChoice {
		t.Errorf("plan %+v", p)
	}
}

func TestFitBeyondTheLargestWindow(t *testing.T) {
	w := Window{Tokens: 2048, Max: 5000}
	p := Fit(conversation(), w, 200, ChoiceGrow)
	// Grown to the model's maximum, and the two oldest left out to fit it.
	if p.NumCtx != 5000 || p.GrowTo != 0 || !slices.Equal(p.LeftOut, []int64{1, 2}) || p.Used > 5000 {
		t.Fatalf("plan %+v", p)
	}
}

func TestFitTooLong(t *testing.T) {
	parts := []Part{{Kind: PartHistory, MessageID: 1, Tokens: 10}, {Kind: PartQuestion, MessageID: 2, Tokens: 9000}}
	p := Fit(parts, Window{Tokens: 4096, Max: 8192}, 100, ChoiceGrow)
	if !p.TooLong {
		t.Fatalf("plan %+v", p)
	}
}

func TestFitWithUnknownWindow(t *testing.T) {
	p := Fit(conversation(), Window{}, 200, ChoiceUnset)
	if !p.Fits || p.Limit != 0 || p.Used != 6800 || len(p.LeftOut) != 0 {
		t.Fatalf("plan %+v", p)
	}
}
