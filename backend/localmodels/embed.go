package localmodels

import (
	"context"

	"github.com/ollama/ollama/api"

	"brook/backend/i18n"
)

// Client returns an API client for the Ollama endpoint endpointID, with
// the endpoint's extra headers, for calls this package does not make
// itself (retrieval's /api/embed).
func (m *Manager) Client(ctx context.Context, endpointID string) (*api.Client, error) {
	s, err := m.resolve(ctx, endpointID)
	if err != nil {
		return nil, err
	}
	return m.client(s), nil
}

// embeddingModels are the small embedding models Brook suggests for
// retrieval, each with the catalogue id of its sentence. The sizes are
// those of ollama.com/library/all-minilm (46 MB) and nomic-embed-text
// (274 MB).
var embeddingModels = []struct {
	Suggestion
	whyID string
}{
	{Suggestion{Name: "all-minilm:latest", SizeBytes: 45_960_000}, "Suggest.allMinilm"},
	{Suggestion{Name: "nomic-embed-text:latest", SizeBytes: 274_290_000}, "Suggest.nomicEmbedText"},
}

// EmbeddingModels suggests a small embedding model for retrieval, with its
// download size shown before the pull and why, in the language current now.
func EmbeddingModels() []Suggestion {
	out := make([]Suggestion, len(embeddingModels))
	for i, m := range embeddingModels {
		out[i] = m.Suggestion
		out[i].Why = i18n.T(m.whyID, nil)
	}
	return out
}
