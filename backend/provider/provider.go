// Package provider is the one interface Brook speaks to model servers through.
// Adapters live in subpackages: [brook/backend/provider/ollama] and
// [brook/backend/provider/openai]. Each adapter classifies its errors once, at
// the edge, into the error types of this package, so callers use errors.Is and
// errors.As and never match text.
package provider

import (
	"context"
	"time"
)

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
	// Prefill says the last message is a partial assistant answer for the
	// model to continue, and how the server is told so. [PrefillNone] means
	// the last message is a finished turn.
	Prefill Prefill
}

// Prefill is how a server is asked to continue a trailing assistant message.
type Prefill int

const (
	// PrefillNone sends the messages as finished turns.
	PrefillNone Prefill = iota
	// PrefillImplicit relies on the server continuing a trailing assistant
	// message by itself (Ollama, llama.cpp's llama-server, OpenRouter).
	PrefillImplicit
	// PrefillFlagged also sends vLLM's continue_final_message:true and
	// add_generation_prompt:false, which vLLM needs to continue.
	PrefillFlagged
)

// Usage counts tokens as the server reported them; zero when it did not.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Timings are the server's own account of where a request's time went, when
// it gives one (Ollama does); zero otherwise.
type Timings struct {
	// Load is how long loading the model took (0 when it was loaded).
	Load time.Duration
	// PromptEval is how long reading the prompt took.
	PromptEval time.Duration
}

// Completion is a whole answer.
type Completion struct {
	Text string
	// FinishReason is the server's end marker reason: "stop", "length", ...
	FinishReason string
	Usage        Usage
	Timings      Timings
}

// Delta is one piece of a streamed answer, in order.
type Delta struct {
	// Text is answer text.
	Text string
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
	// Stream sends req with streaming on and calls onDelta with each piece
	// of the answer as it arrives, in order. It returns a nil error only
	// when the stream ended with its end marker (Ollama's done, OpenAI's
	// finish_reason). A stream that breaks returns an error wrapping a
	// [*BrokenError]; a cancelled ctx returns an error for which
	// errors.Is(err, context.Canceled) holds. The returned Completion holds
	// what arrived either way. Signs of life below the level of answer text
	// reach the [LifeSigns] of ctx.
	Stream(ctx context.Context, req Request, onDelta func(Delta)) (Completion, error)
	// Complete sends req with streaming off and returns the whole answer.
	Complete(ctx context.Context, req Request) (Completion, error)
}
