package ollama

import (
	"testing"

	"brook/backend/provider"
)

// TestKeepWholeAsksOllamaNotToTruncate: left to itself Ollama drops the
// oldest messages that do not fit its window and says nothing; a request
// Brook fitted itself asks it to refuse instead.
func TestKeepWholeAsksOllamaNotToTruncate(t *testing.T) {
	req := provider.Request{Model: "m", Messages: []provider.Message{{Role: "user", Content: "hi"}}, ContextLength: 8192}
	wire, err := chatRequest(req, true)
	if err != nil || wire.Truncate != nil {
		t.Fatalf("without KeepWhole: truncate %v, %v", wire.Truncate, err)
	}
	req.KeepWhole = true
	wire, err = chatRequest(req, true)
	if err != nil || wire.Truncate == nil || *wire.Truncate || wire.Options["num_ctx"] != 8192 {
		t.Fatalf("with KeepWhole: truncate %v, options %v, %v", wire.Truncate, wire.Options, err)
	}
}
