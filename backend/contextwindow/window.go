// Package contextwindow knows how many tokens a model reads at once (its
// context window), counts or estimates how many a conversation takes, and
// decides what a request does when the conversation does not fit: ask the
// server for a larger window, or leave out the oldest messages. It speaks
// to the servers' own endpoints for this (Ollama's /api/show, llama-server's
// /props and /tokenize, vLLM's /v1/models and /tokenize); the chat engine
// and the endpoint kinds call it through [Source] and [Counter].
package contextwindow

import (
	"context"

	"brook/backend/i18n"
	"brook/backend/provider"
)

// Window is what Brook knows of one model's context window on one server.
type Window struct {
	// Tokens is the window a request gets when it asks for nothing: the
	// model's own num_ctx or the server's default on Ollama, llama-server's
	// n_ctx per slot, vLLM's max_model_len, or the user's setting.
	Tokens int `json:"tokens"`
	// Max is the largest window a request may ask for (Ollama's num_ctx up
	// to the model's trained context_length); equal to Tokens where a
	// request cannot change it.
	Max int `json:"max"`
	// BytesPerToken is what one more token of window costs in memory (the
	// KV cache at f16), where the server reports the model's shape; 0 when
	// unknown.
	BytesPerToken int64 `json:"bytesPerToken,omitempty"`
	// AnswerTokens is how many tokens the model generates at most when a
	// request sets no limit (Ollama's num_predict), 0 when unknown.
	AnswerTokens int `json:"answerTokens,omitempty"`
	// Source says where Tokens came from, in words for the meter's hover.
	Source string `json:"source"`
}

// Adjustable reports whether a request can ask for a window larger than Tokens.
func (w Window) Adjustable() bool { return w.Max > w.Tokens }

// Known reports whether anything is known of the window.
func (w Window) Known() bool { return w.Tokens > 0 }

// Source looks up a model's window on one server.
type Source interface {
	Window(ctx context.Context, model string) (Window, error)
}

// Counter counts exactly the tokens a request's messages take, with the
// server's own tokenizer and chat template (llama-server and vLLM /tokenize).
type Counter interface {
	CountTokens(ctx context.Context, model string, msgs []provider.Message) (int, error)
}

// ErrUnknown is returned by a [Source] whose server does not say.
var ErrUnknown = i18n.New("Context.unknown")

// Fixed is a window the user set (per endpoint or per model), for servers
// that do not say.
type Fixed int

// Window implements [Source].
func (f Fixed) Window(context.Context, string) (Window, error) {
	if f <= 0 {
		return Window{}, ErrUnknown
	}
	return Window{Tokens: int(f), Max: int(f), Source: i18n.T("Context.sourceSetting", nil)}, nil
}

// Choice is what a conversation does when it no longer fits its window.
type Choice string

const (
	// ChoiceUnset: the user has not chosen; the window asks before sending,
	// and a request sent meanwhile (a retry, brook ask) grows the window
	// where the model allows, which loses nothing.
	ChoiceUnset Choice = ""
	// ChoiceGrow asks the server for a larger window (Ollama's num_ctx), up
	// to the model's maximum.
	ChoiceGrow Choice = "grow"
	// ChoiceLeaveOut leaves the oldest messages out of the request.
	ChoiceLeaveOut Choice = "leave_out"
)

// Valid reports whether c is one of the Choice values.
func (c Choice) Valid() bool {
	return c == ChoiceUnset || c == ChoiceGrow || c == ChoiceLeaveOut
}
