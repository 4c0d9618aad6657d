package contextwindow

import (
	"strings"
	"testing"

	"brook/backend/provider"
)

func TestEstimateText(t *testing.T) {
	for _, tc := range []struct {
		text     string
		min, max float64
	}{
		{"", 0, 0},
		{"The river runs to the sea.", 5, 9},
		{"func main() { fmt.Println(\"hi\") }", 8, 16},
		{"川は海へ流れる。", 7, 9},
		{strings.Repeat("word ", 1000), 900, 1100},
	} {
		if got := EstimateText(tc.text); got < tc.min || got > tc.max {
			t.Errorf("EstimateText(%.30q) = %.1f, want %.0f–%.0f", tc.text, got, tc.min, tc.max)
		}
	}
}

func TestEstimateRequestCountsOverheadAndImages(t *testing.T) {
	msgs := []provider.Message{{Role: "user", Content: "", Images: [][]byte{{1}}}}
	if got := EstimateRequest(msgs); got != replyOverhead+messageOverhead+imageTokens {
		t.Errorf("EstimateRequest = %v", got)
	}
}

func TestRatio(t *testing.T) {
	if r := Learn(0, 10); r != 0 || r.Apply(10.2) != 11 {
		t.Errorf("no count: ratio %v applies %d", r, r.Apply(10.2))
	}
	if r := Learn(150, 100); r != 1.5 || r.Apply(10) != 15 {
		t.Errorf("ratio %v applies %d", r, r.Apply(10))
	}
	if r := Learn(1_000_000, 1); r != 20 {
		t.Errorf("an absurd count gives ratio %v", r)
	}
}
