package retrieval

import (
	"context"
	"errors"
	"fmt"

	"github.com/ollama/ollama/api"
)

// Embedder turns texts into vectors with an embedding model.
type Embedder interface {
	Embed(ctx context.Context, model string, texts []string) ([][]float32, error)
}

// Ollama embeds through an Ollama server's /api/embed.
type Ollama struct{ Client *api.Client }

// Embed asks the server for one vector per text. Texts longer than the
// model's window are cut by the server (truncate), not refused.
func (o Ollama) Embed(ctx context.Context, model string, texts []string) ([][]float32, error) {
	truncate := true
	resp, err := o.Client.Embed(ctx, &api.EmbedRequest{Model: model, Input: texts, Truncate: &truncate})
	if err != nil {
		return nil, err
	}
	if len(resp.Embeddings) != len(texts) {
		return nil, fmt.Errorf("%w: %d vectors for %d texts", ErrBadEmbedding, len(resp.Embeddings), len(texts))
	}
	for _, v := range resp.Embeddings {
		if len(v) == 0 || len(v) != len(resp.Embeddings[0]) {
			return nil, fmt.Errorf("%w: vectors of unequal or no length", ErrBadEmbedding)
		}
	}
	return resp.Embeddings, nil
}

// ErrBadEmbedding is a server's answer to /api/embed that is not one
// vector of one length per text.
var ErrBadEmbedding = errors.New("the embedding model's answer is not one vector per text")

// ErrNoModel says no embedding model is set.
var ErrNoModel = errors.New("no embedding model is set")
