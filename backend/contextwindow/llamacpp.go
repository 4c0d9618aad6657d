package contextwindow

import (
	"context"
	"encoding/json"
	"net/http"

	"brook/backend/i18n"
	"brook/backend/provider"
)

// LlamaServer reads the window of llama.cpp's llama-server from /props
// (default_generation_settings.n_ctx: the window of each slot, already
// divided among the slots) and counts tokens exactly with /apply-template
// and /tokenize. A request cannot change the window.
type LlamaServer struct{ s server }

var (
	_ Source  = (*LlamaServer)(nil)
	_ Counter = (*LlamaServer)(nil)
)

// NewLlamaServer returns the [Source] and [Counter] of the llama-server at
// baseURL (its root or its /v1).
func NewLlamaServer(baseURL string, hc *http.Client) (*LlamaServer, error) {
	s, err := newServer(baseURL, hc)
	return &LlamaServer{s: s}, err
}

// Window implements [Source]. Older servers put n_ctx at the top level.
func (l *LlamaServer) Window(ctx context.Context, _ string) (Window, error) {
	var props struct {
		NCtx     int `json:"n_ctx"`
		Settings struct {
			NCtx int `json:"n_ctx"`
		} `json:"default_generation_settings"`
	}
	if err := l.s.call(ctx, "props", nil, &props); err != nil {
		return Window{}, err
	}
	n := props.Settings.NCtx
	if n <= 0 {
		n = props.NCtx
	}
	if n <= 0 {
		return Window{}, ErrUnknown
	}
	return Window{Tokens: n, Max: n, Source: i18n.T("Context.sourceLlamacpp", nil)}, nil
}

// chatMessage is a message as the servers' chat templates take it.
type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func chatMessages(msgs []provider.Message) []chatMessage {
	out := make([]chatMessage, len(msgs))
	for i, m := range msgs {
		out[i] = chatMessage{Role: m.Role, Content: m.Content}
	}
	return out
}

// CountTokens implements [Counter]: the prompt the server's chat template
// makes of msgs, tokenized with the special tokens, as a chat request is.
func (l *LlamaServer) CountTokens(ctx context.Context, _ string, msgs []provider.Message) (int, error) {
	var applied struct {
		Prompt string `json:"prompt"`
	}
	if err := l.s.call(ctx, "apply-template", map[string]any{"messages": chatMessages(msgs)}, &applied); err != nil {
		return 0, err
	}
	var tokenized struct {
		Tokens []json.RawMessage `json:"tokens"`
	}
	if err := l.s.call(ctx, "tokenize", map[string]any{"content": applied.Prompt, "add_special": true}, &tokenized); err != nil {
		return 0, err
	}
	return len(tokenized.Tokens), nil
}
