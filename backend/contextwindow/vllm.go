package contextwindow

import (
	"context"
	"net/http"

	"brook/backend/i18n"
	"brook/backend/provider"
)

// VLLM reads the window of a vLLM server from /v1/models (max_model_len of
// the model's card) and counts tokens exactly with /tokenize, which applies
// the model's chat template. A request cannot change the window.
type VLLM struct{ s server }

var (
	_ Source  = (*VLLM)(nil)
	_ Counter = (*VLLM)(nil)
)

// NewVLLM returns the [Source] and [Counter] of the vLLM server at baseURL
// (its root or its /v1).
func NewVLLM(baseURL string, hc *http.Client) (*VLLM, error) {
	s, err := newServer(baseURL, hc)
	return &VLLM{s: s}, err
}

// Window implements [Source]. A server that serves one model under another
// name still says its window.
func (v *VLLM) Window(ctx context.Context, model string) (Window, error) {
	var list struct {
		Data []struct {
			ID          string `json:"id"`
			MaxModelLen int    `json:"max_model_len"`
		} `json:"data"`
	}
	if err := v.s.call(ctx, "v1/models", nil, &list); err != nil {
		return Window{}, err
	}
	n := 0
	for _, m := range list.Data {
		if m.ID == model || len(list.Data) == 1 {
			n = m.MaxModelLen
		}
	}
	if n <= 0 {
		return Window{}, ErrUnknown
	}
	return Window{Tokens: n, Max: n, Source: i18n.T("Context.sourceVLLM", nil)}, nil
}

// CountTokens implements [Counter] with vLLM's chat form of /tokenize.
func (v *VLLM) CountTokens(ctx context.Context, model string, msgs []provider.Message) (int, error) {
	var tokenized struct {
		Count int `json:"count"`
	}
	err := v.s.call(ctx, "tokenize", map[string]any{
		"model": model, "messages": chatMessages(msgs), "add_generation_prompt": true,
	}, &tokenized)
	return tokenized.Count, err
}
