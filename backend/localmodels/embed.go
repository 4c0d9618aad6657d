package localmodels

import (
	"context"

	"github.com/ollama/ollama/api"
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

// EmbeddingModels suggests a small embedding model for retrieval, with its
// download size shown before the pull. The sizes are those of
// ollama.com/library/all-minilm (46 MB) and nomic-embed-text (274 MB).
var EmbeddingModels = []Suggestion{
	{Name: "all-minilm:latest", SizeBytes: 45_960_000, Why: "The smallest good embedding model (23M parameters, 384 dimensions): quick to download and to index with, even without a GPU."},
	{Name: "nomic-embed-text:latest", SizeBytes: 274_290_000, Why: "A larger embedding model (137M parameters, 768 dimensions) that finds passages by meaning better, at about six times the download."},
}
