package openai

import (
	"errors"
	"io"
	"net/http"
	"testing"

	"brook/backend/provider"
	"brook/backend/provider/internal/httprec"
	"brook/backend/providertest"
)

func TestInjectedReadErrorIsDropped(t *testing.T) {
	const events = `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Gr"}}]}` + "\n\n" +
		`data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"üß"}}]}` + "\n\n"
	cases := []struct {
		name, body string
		err        error
	}{
		{"between events", events, io.ErrUnexpectedEOF},
		{"mid-line", events + `data: {"object":"chat.comp`, io.ErrUnexpectedEOF},
		{"inside a rune", events + `data: {"choices":[{"index":0,"delta":{"content":"` + "\xc3", io.ErrUnexpectedEOF},
		// A finish_reason makes the answer whole even if the body breaks after it.
		{"after finish_reason", events + `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n", io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hc := &http.Client{Transport: &httprec.Transport{Base: providertest.FailingBody("text/event-stream", tc.body, tc.err)}}
			comp, err := newClient("http://openai.invalid/v1", "k", hc).Stream(t.Context(), provider.Request{Model: "m"}, nil)
			if comp.Text != "Grüß" {
				t.Errorf("text = %q, want %q", comp.Text, "Grüß")
			}
			if tc.name == "after finish_reason" {
				if err != nil || comp.FinishReason != "stop" {
					t.Fatalf("err = %v, finish %q; want whole answer", err, comp.FinishReason)
				}
				return
			}
			var broken *provider.BrokenError
			if !errors.As(err, &broken) || broken.Reason != provider.BrokenDropped || !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want dropped wrapping %v", err, tc.err)
			}
		})
	}
}

func TestReasoningModelGetsMaxCompletionTokens(t *testing.T) {
	wire, err := chatRequest(provider.Request{Model: "o3-mini", MaxTokens: 100})
	if err != nil || wire.MaxTokens != 0 || wire.MaxCompletionTokens != 100 {
		t.Fatalf("wire = max_tokens %d, max_completion_tokens %d, err %v", wire.MaxTokens, wire.MaxCompletionTokens, err)
	}
	wire, err = chatRequest(provider.Request{Model: "llama3", MaxTokens: 100})
	if err != nil || wire.MaxTokens != 100 || wire.MaxCompletionTokens != 0 {
		t.Fatalf("wire = max_tokens %d, max_completion_tokens %d, err %v", wire.MaxTokens, wire.MaxCompletionTokens, err)
	}
}
