package provider

import (
	"errors"
	"fmt"
	"testing"
)

func TestExplainSaysErrorsInPlainWords(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&RequestError{Status: 404, Message: `model "x" not found`}, `Not found (HTTP 404): model "x" not found`},
		{fmt.Errorf("wrapped: %w", &RequestError{Status: 401, Message: "bad key"}), "The server rejected the API key (HTTP 401): bad key"},
		{&RequestError{Status: 400}, "the server refused the request (HTTP 400)"},
		{&BrokenError{Reason: BrokenIdleTimeout}, "The model stopped sending words for too long."},
		{fmt.Errorf("x: %w", &BrokenError{Reason: BrokenUnreachable, Err: errors.New("dial")}), "The server could not be reached."},
		{errors.New("ünknown endpoint"), "Ünknown endpoint"},
		{errors.New(""), ""},
	}
	for _, tt := range tests {
		if got := Explain(tt.err); got != tt.want {
			t.Errorf("Explain(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestEveryBrokenReasonHasWords(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range BrokenReasons {
		words := r.Describe()
		if words == string(r) || words == "" {
			t.Errorf("%s has no words", r)
		}
		if seen[words] {
			t.Errorf("%s says %q, as another reason does", r, words)
		}
		seen[words] = true
		if sentence := r.Sentence(); sentence != capitalize(words) {
			t.Errorf("%s as a sentence: %q, want %q", r, sentence, capitalize(words))
		}
	}
}

func TestRecoveredAnswersSayHowAndWhy(t *testing.T) {
	tests := []struct{ got, want string }{
		{RecoveredByContinuing("dropped"), "Recovered: continued after the connection dropped mid-answer"},
		{RecoveredByAskingAgain("user_skipped_wait"), "Recovered: asked again without streaming after you chose not to wait for the stream"},
		{RecoveredByAskingAgain("idle_timeout"), "Recovered: asked again without streaming after the model stopped sending words for too long"},
		{RecoveredByFetchingAgain("dropped"), "The connection dropped mid-answer; Brook fetched the whole answer again."},
		{RecoveredByContinuing("no_such_reason"), "Recovered: continued after the stream broke"},
		{RecoveredByFetchingAgain(""), "The stream broke; Brook fetched the whole answer again."},
		{RecoveredByAskingAgain("user_stop"), "Recovered: asked again without streaming after the stream broke"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
