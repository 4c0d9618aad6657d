// Package provider is the one interface Brook speaks to model servers through.
// Adapters live in subpackages: [brook/backend/provider/ollama] and
// [brook/backend/provider/openai]. Each adapter classifies its errors once, at
// the edge, into the error types of this package, so callers use errors.Is and
// errors.As and never match text.
package provider

import "context"

// Message is one turn sent to a model.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is one chat completion request. Zero parameters are not sent.
type Request struct {
	Model         string
	Messages      []Message
	Temperature   *float64
	ContextLength int // Ollama's num_ctx; not sent to OpenAI-compatible servers.
	MaxTokens     int
}

// Usage counts tokens as the server reported them; zero when it did not.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Completion is a whole answer.
type Completion struct {
	Text string
	// FinishReason is the server's end marker reason: "stop", "length", ...
	FinishReason string
	Usage        Usage
}

// Model is one model a server offers.
type Model struct {
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes,omitempty"`
}

// Client is a model server. Every adapter asserts it with var _ provider.Client = (*X)(nil).
type Client interface {
	// ListModels returns the models the server offers.
	ListModels(ctx context.Context) ([]Model, error)
	// Stream sends req with streaming on and calls onText with each piece of
	// answer text as it arrives, in order. It returns a nil error only when the
	// stream ended with its end marker (Ollama's done, OpenAI's finish_reason).
	// A stream that breaks returns an error wrapping a [*BrokenError]; a
	// cancelled ctx returns an error for which errors.Is(err, context.Canceled)
	// holds. The returned Completion holds what arrived either way.
	Stream(ctx context.Context, req Request, onText func(string)) (Completion, error)
	// Complete sends req with streaming off and returns the whole answer.
	Complete(ctx context.Context, req Request) (Completion, error)
}
