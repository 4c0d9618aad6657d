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
		{&BrokenError{Reason: BrokenIdleTimeout}, "The stream stalled."},
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
