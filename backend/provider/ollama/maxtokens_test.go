package ollama

import (
	"fmt"
	"testing"
)

// TestNumPredictFromShowParameters reads the parameters of /api/show as
// Ollama writes them (server/routes.go: each "%-*s %#v" with 30 columns,
// joined by newlines; a Modelfile's numbers arrive as float64).
func TestNumPredictFromShowParameters(t *testing.T) {
	line := func(k string, v any) string { return fmt.Sprintf("%-*s %#v", 30, k, v) }
	cases := []struct {
		name       string
		parameters string
		want       int
	}{
		{"a Modelfile's limit", line("num_predict", 32.0), 32},
		{"among others", line("stop", "<|im_end|>") + "\n" + line("num_predict", 200.0) + "\n" + line("temperature", 0.0), 200},
		{"none", line("temperature", 0.7), 0},
		{"no parameters at all", "", 0},
		{"unlimited", line("num_predict", -1.0), 0},
		{"fill the context", line("num_predict", -2.0), 0},
		{"not a number", line("num_predict", "many"), 0},
	}
	for _, tc := range cases {
		if got := numPredict(tc.parameters); got != tc.want {
			t.Errorf("%s: %q gives %d, want %d", tc.name, tc.parameters, got, tc.want)
		}
	}
}
