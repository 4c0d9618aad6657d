package provider

import (
	"context"

	"brook/backend/i18n"
)

// ServerKind is what software serves an endpoint. It decides whether a
// broken answer can be continued (see [ServerKind.Prefill]) and how the
// server is asked to.
type ServerKind string

const (
	ServerOllama     ServerKind = "ollama"     // Ollama, native API or its /v1
	ServerLlamaCpp   ServerKind = "llamacpp"   // llama.cpp's llama-server
	ServerVLLM       ServerKind = "vllm"       // vLLM's OpenAI-compatible server
	ServerOpenRouter ServerKind = "openrouter" // OpenRouter
	ServerOpenAI     ServerKind = "openai"     // OpenAI itself
	ServerGeneric    ServerKind = "generic"    // OpenAI-compatible, not recognised
)

// ServerKinds lists every kind, in the order Settings offers them.
var ServerKinds = []ServerKind{ServerOllama, ServerLlamaCpp, ServerVLLM, ServerOpenRouter, ServerOpenAI, ServerGeneric}

// Valid reports whether k is one of [ServerKinds].
func (k ServerKind) Valid() bool {
	for _, known := range ServerKinds {
		if k == known {
			return true
		}
	}
	return false
}

// Prefill says how k is asked to continue a partial answer, or [PrefillNone]
// when it cannot: OpenAI takes a trailing assistant message as a finished
// turn, and an unrecognised server is not trusted to do otherwise.
// OpenRouter continues for the models that allow it and refuses with a 400
// for the others; the engine falls back when refused.
func (k ServerKind) Prefill() Prefill {
	switch k {
	case ServerOllama, ServerLlamaCpp, ServerOpenRouter:
		return PrefillImplicit
	case ServerVLLM:
		return PrefillFlagged
	}
	return PrefillNone
}

// Label is the kind's name as Settings shows it.
func (k ServerKind) Label() string {
	switch k {
	case ServerOllama:
		return "Ollama"
	case ServerLlamaCpp:
		return i18n.T("Server.llamacpp", nil)
	case ServerVLLM:
		return "vLLM"
	case ServerOpenRouter:
		return "OpenRouter"
	case ServerOpenAI:
		return "OpenAI"
	}
	return i18n.T("Server.generic", nil)
}

// ServerProfile is what Brook knows of the server behind an endpoint.
type ServerProfile struct {
	// Kind decides whether and how a partial answer is continued.
	Kind ServerKind
	// MaxParallel is how many answers are sent to the endpoint at once.
	MaxParallel int
	// ModelLoaded asks whether the server has a model in memory now; nil
	// when the server cannot say.
	ModelLoaded func(ctx context.Context, model string) (bool, error)
	// ModelMaxTokens asks how many tokens a model generates at most when a
	// request sets no limit (Ollama's num_predict in the model's Modelfile),
	// 0 when it has no such limit; nil when the server cannot say.
	ModelMaxTokens func(ctx context.Context, model string) (int, error)
	// Answers asks the server something cheap that needs no model (Ollama's
	// /api/version), to tell a server that is down from one whose model is
	// busy; nil when the server cannot say.
	Answers func(ctx context.Context) error
}
