package retrieval

import (
	"context"
	"fmt"

	"brook/backend/provider"
	"brook/backend/store"
)

// candidates is how deep each ranking goes before fusion.
const candidates = 50

// Result is what a search found: the best chunks, best first, and a notice
// when it searched by words only.
type Result struct {
	Chunks []store.Chunk
	Notice Notice
}

// Search finds the limit chunks of the documents docIDs that best answer
// query: by BM25 over their words and, where an embedding model is set and
// has embedded a document, by the similarity of their vectors, fused by
// reciprocal rank. The documents must have been prepared ([Service.Prepare]).
func (s *Service) Search(ctx context.Context, query string, docIDs []int64, limit int) (Result, error) {
	if len(docIDs) == 0 || limit <= 0 {
		return Result{}, nil
	}
	words, err := s.cfg.Store.SearchChunks(ctx, query, docIDs, candidates)
	if err != nil {
		return Result{}, err
	}
	wordIDs := make([]int64, len(words))
	byID := map[int64]store.Chunk{}
	for i, h := range words {
		wordIDs[i] = h.ID
		byID[h.ID] = h.Chunk
	}
	endpoint, model := s.model(ctx)
	var (
		meaningIDs []int64
		notice     Notice
	)
	if model == "" {
		notice = noticeOf(NoticeNoModel, "")
	} else {
		meaningIDs, notice, err = s.byMeaning(ctx, endpoint, model, query, docIDs)
		if err != nil {
			return Result{}, err
		}
	}
	ids := Fuse(wordIDs, meaningIDs)
	if len(ids) == 0 {
		// Nothing matched a word and nothing was embedded: the documents'
		// beginnings are better than nothing.
		for _, id := range docIDs {
			chunks, err := s.cfg.Store.DocumentChunks(ctx, id)
			if err != nil {
				return Result{}, err
			}
			for _, c := range chunks[:min(len(chunks), limit)] {
				ids = append(ids, c.ID)
				byID[c.ID] = c
			}
		}
	}
	ids = ids[:min(len(ids), limit)]
	var missing []int64
	for _, id := range ids {
		if _, ok := byID[id]; !ok {
			missing = append(missing, id)
		}
	}
	more, err := s.cfg.Store.GetChunks(ctx, missing)
	if err != nil {
		return Result{}, err
	}
	for _, c := range more {
		byID[c.ID] = c
	}
	out := Result{Notice: notice}
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out.Chunks = append(out.Chunks, c)
		}
	}
	return out, nil
}

// byMeaning ranks the chunks of the embedded documents among docIDs by
// their similarity to query. Documents not embedded yet are queued and
// searched by words only, with a notice; a model that fails gives a notice
// and no ranking, never an error: words still answer.
func (s *Service) byMeaning(ctx context.Context, endpoint, model, query string, docIDs []int64) ([]int64, Notice, error) {
	var (
		pool    []block
		pending bool
	)
	for _, id := range docIDs {
		done, err := s.cfg.Store.DocumentEmbedded(ctx, id, model)
		if err != nil {
			return nil, Notice{}, err
		}
		if !done {
			pending = true
			s.enqueue(job{id, endpoint, model})
			continue
		}
		vecs, err := s.vectors(ctx, id, model)
		if err != nil {
			return nil, Notice{}, err
		}
		pool = append(pool, vecs)
	}
	if len(pool) == 0 {
		return nil, noticeOf(NoticeIndexing, ""), nil
	}
	q, err := s.embedQuery(ctx, endpoint, model, query)
	if err != nil {
		return nil, noticeOf(NoticeModelFailed, provider.Explain(err)), nil
	}
	var notice Notice
	if pending {
		notice = noticeOf(NoticeIndexing, "")
	}
	return nearest(q, pool, candidates), notice, nil
}

func (s *Service) embedQuery(ctx context.Context, endpoint, model, query string) ([]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	emb, err := s.cfg.Embedder(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	v, err := emb.Embed(ctx, model, []string{query})
	if err != nil {
		return nil, err
	}
	if len(v) != 1 {
		return nil, fmt.Errorf("%w", ErrBadEmbedding)
	}
	return normalize(v[0]), nil
}

// vectors are a document's normalised vectors, from the cache or the store.
func (s *Service) vectors(ctx context.Context, docID int64, model string) (block, error) {
	k := cacheKey{docID, model}
	if v, ok := s.cache.get(k); ok {
		return v, nil
	}
	stored, err := s.cfg.Store.DocumentVectors(ctx, docID, model)
	if err != nil {
		return block{}, err
	}
	out := blockOf(stored)
	s.cache.put(k, out)
	return out, nil
}

func blockOf(stored []store.ChunkVector) block {
	ids := make([]int64, len(stored))
	vecs := make([][]float32, len(stored))
	for i, sv := range stored {
		ids[i], vecs[i] = sv.ChunkID, sv.Vector
	}
	return newBlock(ids, vecs)
}
