package retrieval

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ollama/ollama/api"
)

// Embedder turns texts into vectors with an embedding model.
type Embedder interface {
	Embed(ctx context.Context, model string, texts []string) ([][]float32, error)
}

// Ollama embeds through an Ollama server's /api/embed.
type Ollama struct{ Client *api.Client }

// OllamaEmbedders is [Config.Embedder] for Ollama endpoints, whose API
// clients come from client (the models manager's): the window and `brook
// ask` embed alike.
func OllamaEmbedders(client func(ctx context.Context, endpointID string) (*api.Client, error)) func(context.Context, string) (Embedder, error) {
	return func(ctx context.Context, endpointID string) (Embedder, error) {
		c, err := client(ctx, endpointID)
		if err != nil {
			return nil, err
		}
		return Ollama{Client: c}, nil
	}
}

// Embed asks the server for one vector per text. Texts longer than the
// model's window are cut by the server (truncate); where the server still
// refuses one as too long (Ollama v0.17 does when its runner, not its
// tokenizer, finds it too long), the texts are halved and asked again, at
// most three times.
func (o Ollama) Embed(ctx context.Context, model string, texts []string) ([][]float32, error) {
	truncate := true
	resp, err := o.Client.Embed(ctx, &api.EmbedRequest{Model: model, Input: texts, Truncate: &truncate})
	for range 3 {
		if err == nil || !strings.Contains(err.Error(), "context length") {
			break
		}
		texts = halved(texts)
		resp, err = o.Client.Embed(ctx, &api.EmbedRequest{Model: model, Input: texts, Truncate: &truncate})
	}
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

// halved cuts each text to its first half, at a space where there is one.
func halved(texts []string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		r := []rune(t)
		cut := len(r) / 2
		if sp := strings.LastIndex(string(r[:cut]), " "); sp > 0 {
			out[i] = string(r[:cut])[:sp]
		} else {
			out[i] = string(r[:cut])
		}
	}
	return out
}
