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
	// The ranking by meaning (embedding the question, then a scan of
	// vectors in memory) runs beside the word search: a search takes the
	// longer of the two, not their sum.
	endpoint, model := s.model(ctx)
	type ranking struct {
		ids    []int64
		notice Notice
		err    error
	}
	byMeaning := make(chan ranking, 1)
	if model == "" {
		byMeaning <- ranking{notice: noticeOf(NoticeNoModel, "")}
	} else {
		go func() {
			ids, notice, err := s.byMeaning(ctx, endpoint, model, query, docIDs)
			byMeaning <- ranking{ids, notice, err}
		}()
	}
	words, err := s.cfg.Store.SearchChunks(ctx, query, docIDs, candidates)
	meaning := <-byMeaning
	if err != nil {
		return Result{}, err
	}
	if meaning.err != nil {
		return Result{}, meaning.err
	}
	meaningIDs, notice := meaning.ids, meaning.notice
	wordIDs := make([]int64, len(words))
	byID := map[int64]store.Chunk{}
	for i, h := range words {
		wordIDs[i] = h.ID
		byID[h.ID] = h.Chunk
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

// DefaultReadAtOnce is how many chunks' vectors a search reads from the
// store itself when they are not in memory. Reading costs about 17 µs of
// CPU a vector (the store's B-tree and page reads; see
// bench-results/retrieval.md), so 1,024 is under 20 ms: one 300-page book
// (817 chunks in the bench) is searched by meaning at once. Documents
// beyond it are read in the background and searched by their words
// meanwhile.
const DefaultReadAtOnce = 1024

// byMeaning ranks the chunks of the embedded documents among docIDs by
// their similarity to query. Documents not embedded yet are queued and
// searched by words only, with a notice; so are embedded documents whose
// vectors are not in memory, beyond [Config.ReadAtOnce] chunks; a
// model that fails gives a notice and no ranking, never an error: words
// still answer.
func (s *Service) byMeaning(ctx context.Context, endpoint, model, query string, docIDs []int64) ([]int64, Notice, error) {
	// One query says which documents are embedded, and how many chunks
	// each has: a document in memory is used only when it is still the one
	// stored (a deleted document's ID may come back for another).
	embedded, err := s.cfg.Store.EmbeddedAmong(ctx, docIDs, model)
	if err != nil {
		return nil, Notice{}, err
	}
	var (
		pool    []block
		pending bool
	)
	budget := s.cfg.ReadAtOnce
	select {
	case <-s.warm:
	default:
		budget = 0 // the warm-up is reading them: a search does not read them too
	}
	for _, id := range docIDs {
		d, ok := embedded[id]
		if !ok {
			pending = true
			s.enqueue(job{id, endpoint, model})
			continue
		}
		if b, ok := s.cache.get(cacheKey{id, model}); ok && len(b.ids) == d.Chunks {
			pool = append(pool, b)
			continue
		}
		if budget >= 0 && d.Chunks > budget {
			pending = true
			s.queueLoad(loadRequest{cacheKey{id, model}, d.Chunks})
			continue
		}
		b, err := s.load(ctx, id, model)
		if err != nil {
			return nil, Notice{}, err
		}
		if budget >= 0 {
			budget -= d.Chunks
		}
		pool = append(pool, b)
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

// load reads a document's vectors from the store into memory, in place of
// any kept before.
func (s *Service) load(ctx context.Context, docID int64, model string) (block, error) {
	k := cacheKey{docID, model}
	stored, err := s.cfg.Store.DocumentVectorBlock(ctx, docID, model)
	if err != nil {
		return block{}, err
	}
	b := blockFrom(stored)
	s.cache.put(k, b)
	return b, nil
}

func blockOf(stored []store.ChunkVector) block {
	ids := make([]int64, len(stored))
	vecs := make([][]float32, len(stored))
	for i, sv := range stored {
		ids[i], vecs[i] = sv.ChunkID, sv.Vector
	}
	return newBlock(ids, vecs)
}
