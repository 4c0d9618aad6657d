// Package provider is the one interface Brook speaks to model servers through.
// Adapters live in subpackages: [brook/backend/provider/ollama] and
// [brook/backend/provider/openai]. Each adapter classifies its errors once, at
// the edge, into the error types of this package, so callers use errors.Is and
// errors.As and never match text.
package provider

import (
	"context"
	"encoding/json"
	"time"
)

// Message is one turn sent to a model.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	// Thinking is an assistant message's reasoning. It is sent only with a
	// partial answer being continued ([Request.Prefill]); finished turns go
	// without it, as the reasoning models' own guidance asks.
	Thinking string `json:"thinking,omitempty"`
	// Images are the raw bytes of the images a user's message carries, for
	// vision models: PNG, JPEG, WebP or GIF, each type known from its bytes
	// (http.DetectContentType), which Brook checked when they were attached.
	Images [][]byte `json:"-"`
	// ToolCalls are the calls an assistant message made, in order.
	ToolCalls []ToolCall `json:"toolCalls,omitempty"`
	// ToolCallID is, in a message of role [RoleTool], the id of the call it
	// answers; ToolName is the called tool's name (Ollama's tool_name).
	ToolCallID string `json:"toolCallId,omitempty"`
	ToolName   string `json:"toolName,omitempty"`
}

// RoleTool is the role of a message that carries a tool's result.
const RoleTool = "tool"

// ToolSpec is one tool offered to a model: its name, what it does, and the
// JSON Schema of its arguments (an object).
type ToolSpec struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// ToolCall is one call a model asked for. Arguments is JSON text, as the
// model wrote it: whether it is a valid object is for the caller to judge.
type ToolCall struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// ToolCallDelta is a piece of a streamed tool call. Index says which call
// of the answer it belongs to; ID and Name come with the first piece (an
// OpenAI-compatible stream), Arguments in pieces to be joined in order.
type ToolCallDelta struct {
	Index     int
	ID        string
	Name      string
	Arguments string
}

// Request is one chat completion request. Zero parameters are not sent.
type Request struct {
	Model         string
	Messages      []Message
	Temperature   *float64
	ContextLength int // Ollama's num_ctx; not sent to OpenAI-compatible servers.
	// KeepWhole asks the server to refuse a prompt longer than its context
	// window rather than cut it without a word (Ollama's truncate:false);
	// Brook sets it once it has fitted the request to the window itself.
	KeepWhole bool
	MaxTokens int
	// Think asks a reasoning model to think or not, or how hard: one of the
	// Think* values; empty leaves it to the model.
	Think string
	// Prefill says the last message is a partial assistant answer for the
	// model to continue, and how the server is told so. [PrefillNone] means
	// the last message is a finished turn.
	Prefill Prefill
	// Tools are the tools offered to the model; none is sent when empty.
	Tools []ToolSpec
}

// The values of [Request.Think]. Ollama takes on, off and the levels
// (gpt-oss knows only the levels); OpenAI-compatible servers take the
// levels as reasoning_effort.
const (
	ThinkDefault = ""
	ThinkOn      = "on"
	ThinkOff     = "off"
	ThinkLow     = "low"
	ThinkMedium  = "medium"
	ThinkHigh    = "high"
)

// ValidThink reports whether v is one of the Think* values.
func ValidThink(v string) bool {
	switch v {
	case ThinkDefault, ThinkOn, ThinkOff, ThinkLow, ThinkMedium, ThinkHigh:
		return true
	}
	return false
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
	// Reasoning is what the model thought before answering, if it said.
	Reasoning string
	// FinishReason is the server's end marker reason: "stop", "length", ...
	FinishReason string
	Usage        Usage
	Timings      Timings
	// ToolCalls are the calls the answer asked for, in order. In the
	// Completion of a broken stream they are what had arrived, possibly cut
	// mid-arguments: such calls must never run.
	ToolCalls []ToolCall
}

// Delta is one piece of a streamed answer, in order. A model that reasons
// sends its reasoning first; either field may be empty.
type Delta struct {
	// Text is answer text.
	Text string
	// Reasoning is the model's thinking: Ollama's message.thinking,
	// OpenAI-compatible servers' reasoning_content or reasoning, or what a
	// model wrote between <think> and </think>.
	Reasoning string
	// ToolCall is a piece of a tool call, or nil. It only says a call is
	// arriving (a sign of life); the whole calls are the Completion's.
	ToolCall *ToolCallDelta
}

// Model is one model a server offers.
type Model struct {
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes,omitempty"`
	// Capabilities are what the server says the model can do ("completion",
	// "thinking", "vision", "tools"), where it says (Ollama's /api/show).
	Capabilities []string `json:"capabilities,omitempty"`
	// Manual marks a model the user added by hand to an endpoint that does
	// not list it.
	Manual bool `json:"manual,omitempty"`
}

// CapabilityThinking is the capability of a model that can reason.
const CapabilityThinking = "thinking"

// CapabilityVision is the capability of a model that can see images.
const CapabilityVision = "vision"

// CapabilityTools is the capability of a model that can call tools.
const CapabilityTools = "tools"

// CapabilityLister is implemented by clients whose server says what each
// model can do (Ollama's /api/show). An error means the capabilities are
// unknown.
type CapabilityLister interface {
	Capabilities(ctx context.Context, model string) ([]string, error)
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

// IdleCloser is implemented by clients that keep connections open between
// requests. A connection left idle across a sleep of the machine (or a
// network change) may be dead without either end knowing; a request sent on
// it can wait for an answer that never comes.
type IdleCloser interface {
	CloseIdleConnections()
}
