package app

import (
	"context"

	"github.com/ollama/ollama/api"

	"brook/backend/guard"
	"brook/backend/localmodels"
	"brook/backend/retrieval"
	"brook/backend/store"
)

// RetrievalService shows what retrieval gave an answer and offers an
// embedding model; backend/retrieval does the work.
type RetrievalService struct{ a *App }

// newRetrieval starts retrieval over the store, embedding through the
// configured Ollama endpoints. The models manager is looked up when an
// embedding is made, after start-up has made it. The embedded documents'
// vectors are read into memory in the background (WarmUp), so the first
// search does not wait for them.
func newRetrieval(a *App) *retrieval.Service {
	return retrieval.New(a.ctx, retrieval.Config{Store: a.store, Logger: a.log, WarmUp: true,
		Embedder: retrieval.OllamaEmbedders(func(ctx context.Context, endpointID string) (*api.Client, error) {
			return a.models.Client(ctx, endpointID)
		})})
}

// AnswerSources returns the excerpts an answer was given, with their
// sources, and the notice when they were found by words only.
func (s *RetrievalService) AnswerSources(messageID int64) (store.AnswerRetrieval, error) {
	if err := guard.First(s.a.ready(), guard.ID("message", messageID)); err != nil {
		return store.AnswerRetrieval{}, err
	}
	r, err := s.a.store.AnswerRetrieval(s.a.ctx, messageID)
	return retrieval.Worded(r), err
}

// SuggestedEmbeddingModels are the small embedding models Brook offers to
// pull, with their sizes.
func (s *RetrievalService) SuggestedEmbeddingModels() []localmodels.Suggestion {
	return localmodels.EmbeddingModels()
}
