package retrieval

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"brook/backend/store"
)

// Store is what retrieval needs of [store.Store].
type Store interface {
	LoadSettings(ctx context.Context) (store.Settings, error)
	DocumentChunked(ctx context.Context, docID int64) (bool, error)
	StoredDocumentText(ctx context.Context, docID int64) (string, int, error)
	SaveChunks(ctx context.Context, docID int64, chunks []store.Chunk) error
	DocumentChunks(ctx context.Context, docID int64) ([]store.Chunk, error)
	SearchChunks(ctx context.Context, query string, docIDs []int64, limit int) ([]store.ChunkHit, error)
	SaveVectors(ctx context.Context, docID int64, model string, vectors []store.ChunkVector) error
	DocumentEmbedded(ctx context.Context, docID int64, model string) (bool, error)
	EmbeddedAmong(ctx context.Context, docIDs []int64, model string) (map[int64]store.EmbeddedDocument, error)
	EmbeddedDocuments(ctx context.Context, model string) ([]store.EmbeddedDocument, error)
	DocumentVectorBlock(ctx context.Context, docID int64, model string) (store.VectorBlock, error)
	GetChunks(ctx context.Context, ids []int64) ([]store.Chunk, error)
	ConversationKnowledge(ctx context.Context, projectID, assistantID int64) ([]store.KnowledgeFile, error)
	SetAnswerRetrieval(ctx context.Context, messageID int64, r store.AnswerRetrieval) error
}

var _ Store = (*store.Store)(nil)

// Config configures a [Service].
type Config struct {
	Store Store
	// Embedder returns the embedder of an Ollama endpoint.
	Embedder func(ctx context.Context, endpointID string) (Embedder, error)
	// Slot, when set, waits until the endpoint is quiet (no answer
	// streaming or waiting there) and holds a background slot until
	// release; yield is called when an answer wants the slot back. The
	// chat engine's background queue provides it (titles use the same).
	Slot   func(ctx context.Context, endpointID string, yield func()) (release func(), err error)
	Logger *slog.Logger
	// Batch is how many chunks go to the embedding model at once.
	Batch int
	// QueryTimeout bounds embedding a question before a search.
	QueryTimeout time.Duration
	// Indexed, when set, is told when the background indexer has embedded
	// a document, or failed to (err).
	Indexed func(docID int64, model string, err error)
	// CacheBytes bounds the memory of the vectors kept for searching;
	// [DefaultCacheBytes] when zero.
	CacheBytes int
	// WarmUp, when set, reads the vectors of the embedded documents into
	// memory in the background as the Service starts, the most recently
	// stored first, until the cache is full: Brook's first search then
	// scans memory instead of reading every vector. A one-question command
	// leaves it off and reads only what it searches.
	WarmUp bool
	// ReadAtOnce is how many chunks' vectors not in memory a search reads
	// itself (none while the warm-up runs); the rest are read in the
	// background, and their documents searched by words meanwhile. 0 means [DefaultReadAtOnce]; less than
	// 0 reads them all, for a one-question command that has no later
	// search to profit from the background.
	ReadAtOnce int
}

// Service chunks, embeds and searches documents. It is safe for
// concurrent use.
type Service struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	queued  map[job]bool
	jobs    chan job
	chunkMu sync.Mutex // one document chunked at a time

	cache   *vectorCache
	loads   chan loadRequest
	loading map[cacheKey]bool
	warm    chan struct{}
}

// job is one document to embed with one model on one endpoint.
type job struct {
	docID    int64
	endpoint string
	model    string
}

// New starts a Service; [Service.Close] stops its background indexing.
func New(ctx context.Context, cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 16
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = 15 * time.Second
	}
	if cfg.ReadAtOnce == 0 {
		cfg.ReadAtOnce = DefaultReadAtOnce
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	s := &Service{cfg: cfg, queued: map[job]bool{}, jobs: make(chan job, 1024), cache: newVectorCache(cfg.CacheBytes),
		loads: make(chan loadRequest, 1024), loading: map[cacheKey]bool{}, warm: make(chan struct{})}
	if !cfg.WarmUp {
		close(s.warm) // now, so the first search reads what it needs itself
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.wg.Add(2)
	go s.worker()
	go s.loader()
	return s
}

// Warmed is closed when the vectors read at start ([Config.WarmUp]) are in
// memory, or at once without a warm-up.
func (s *Service) Warmed() <-chan struct{} { return s.warm }

// VectorBytes is the memory the vectors kept for searching take now.
func (s *Service) VectorBytes() int { return s.cache.bytes() }

// loader reads documents' vectors into memory in the background: first
// the warm-up, then the documents searches found missing.
func (s *Service) loader() {
	defer s.wg.Done()
	if s.cfg.WarmUp {
		s.warmUp()
		close(s.warm)
	}
	for {
		select {
		case <-s.ctx.Done():
			return
		case r := <-s.loads:
			k := r.key
			// The warm-up or a search may have read it since it was asked for.
			if b, ok := s.cache.get(k); !ok || len(b.ids) != r.chunks {
				if _, err := s.load(s.ctx, k.docID, k.model); err != nil && s.ctx.Err() == nil {
					s.cfg.Logger.Info("reading a document's vectors failed; it is searched by its words", "document", k.docID, "model", k.model, "err", err)
				}
			}
			s.mu.Lock()
			delete(s.loading, k)
			s.mu.Unlock()
		}
	}
}

// warmUp reads the vectors of the documents the current model embedded,
// the most recently stored first, while they fit in the cache without
// dropping any: the rest are read when a search needs them.
func (s *Service) warmUp() {
	_, model := s.model(s.ctx)
	if model == "" {
		return
	}
	docs, err := s.cfg.Store.EmbeddedDocuments(s.ctx, model)
	if err != nil {
		s.cfg.Logger.Info("listing the embedded documents failed; their vectors are read when searched", "err", err)
		return
	}
	for _, d := range docs {
		if s.ctx.Err() != nil || !s.cache.room(blockBytes(d.Chunks, d.Dims)) {
			return
		}
		if b, ok := s.cache.get(cacheKey{d.DocumentID, model}); ok && len(b.ids) == d.Chunks {
			continue // a search read it first
		}
		if _, err := s.load(s.ctx, d.DocumentID, model); err != nil && s.ctx.Err() == nil {
			s.cfg.Logger.Info("reading a document's vectors failed; it is searched by its words", "document", d.DocumentID, "model", model, "err", err)
		}
	}
}

// loadRequest asks for a document's vectors, of its number of chunks.
type loadRequest struct {
	key    cacheKey
	chunks int
}

// queueLoad asks the loader to read a document's vectors into memory.
func (s *Service) queueLoad(r loadRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := r.key
	if s.loading[k] {
		return
	}
	select {
	case s.loads <- r:
		s.loading[k] = true
	default: // full: it is asked again the next time it is searched
	}
}

// Close stops background indexing and waits for it; what was embedded is
// kept, and the rest is embedded when next needed.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

// SetSlot sets [Config.Slot] after the Service started (the chat engine
// that provides it is made after the Service). Call it before any search.
func (s *Service) SetSlot(slot func(ctx context.Context, endpointID string, yield func()) (func(), error)) {
	s.mu.Lock()
	s.cfg.Slot = slot
	s.mu.Unlock()
}

// model is the embedding model the settings choose; empty when none.
func (s *Service) model(ctx context.Context) (endpoint, model string) {
	set, err := s.cfg.Store.LoadSettings(ctx)
	if err != nil {
		return "", ""
	}
	return set.EmbedEndpointID, set.EmbedModel
}

// Prepare makes sure the documents docIDs are chunked, now, and queues
// their embedding in the background when an embedding model is set. It is
// quick: chunking a 300-page PDF takes milliseconds (see bench-results).
func (s *Service) Prepare(ctx context.Context, docIDs []int64) error {
	for _, id := range docIDs {
		if err := s.chunk(ctx, id); err != nil {
			return err
		}
	}
	endpoint, model := s.model(ctx)
	if model == "" {
		return nil
	}
	for _, id := range docIDs {
		done, err := s.cfg.Store.DocumentEmbedded(ctx, id, model)
		if err != nil {
			return err
		}
		if !done {
			s.enqueue(job{id, endpoint, model})
		}
	}
	return nil
}

// chunk splits document docID into chunks unless it was already.
func (s *Service) chunk(ctx context.Context, docID int64) error {
	s.chunkMu.Lock()
	defer s.chunkMu.Unlock()
	done, err := s.cfg.Store.DocumentChunked(ctx, docID)
	if err != nil || done {
		return err
	}
	text, _, err := s.cfg.Store.StoredDocumentText(ctx, docID)
	if err != nil {
		return err
	}
	pieces := Split(text)
	chunks := make([]store.Chunk, len(pieces))
	for i, p := range pieces {
		chunks[i] = store.Chunk{Page: p.Page, Text: p.Text}
	}
	return s.cfg.Store.SaveChunks(ctx, docID, chunks)
}

func (s *Service) enqueue(j job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queued[j] {
		return
	}
	select {
	case s.jobs <- j:
		s.queued[j] = true
	default: // full: it is queued again the next time it is needed
	}
}

// worker embeds the queued documents one at a time.
func (s *Service) worker() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case j := <-s.jobs:
			err := s.embedDocument(s.ctx, j)
			if err != nil && s.ctx.Err() == nil {
				s.cfg.Logger.Info("embedding a document failed; it is searched by its words until it is retried", "document", j.docID, "model", j.model, "err", err)
			}
			if s.cfg.Indexed != nil && s.ctx.Err() == nil {
				s.cfg.Indexed(j.docID, j.model, err)
			}
			s.mu.Lock()
			delete(s.queued, j)
			s.mu.Unlock()
		}
	}
}

// errYielded ends a batch whose slot an answer wanted.
var errYielded = errors.New("an answer wanted the endpoint")

// embedDocument embeds every chunk of a document, a batch at a time, each
// batch in a background slot of the endpoint, so an answer that starts
// meanwhile takes the endpoint back and the batch is done again later.
func (s *Service) embedDocument(ctx context.Context, j job) error {
	chunks, err := s.cfg.Store.DocumentChunks(ctx, j.docID)
	if err != nil || len(chunks) == 0 {
		return err
	}
	emb, err := s.cfg.Embedder(ctx, j.endpoint)
	if err != nil {
		return err
	}
	vectors := make([]store.ChunkVector, 0, len(chunks))
	for start := 0; start < len(chunks); {
		end := min(start+s.cfg.Batch, len(chunks))
		texts := make([]string, 0, end-start)
		for _, c := range chunks[start:end] {
			texts = append(texts, c.Text)
		}
		vecs, err := s.inSlot(ctx, j.endpoint, func(bctx context.Context) ([][]float32, error) {
			return emb.Embed(bctx, j.model, texts)
		})
		if errors.Is(err, errYielded) {
			continue // the answer has the endpoint; this batch waits for the next quiet slot
		}
		if err != nil {
			return err
		}
		for i, v := range vecs {
			vectors = append(vectors, store.ChunkVector{ChunkID: chunks[start+i].ID, Vector: v})
		}
		start = end
	}
	if err := s.cfg.Store.SaveVectors(ctx, j.docID, j.model, vectors); err != nil {
		return err
	}
	// The next search finds them in memory rather than reading them back.
	s.cache.put(cacheKey{j.docID, j.model}, blockOf(vectors))
	return nil
}

// inSlot runs fn in a background slot of endpoint, cancelling it with
// errYielded when an answer wants the slot.
func (s *Service) inSlot(ctx context.Context, endpoint string, fn func(context.Context) ([][]float32, error)) ([][]float32, error) {
	s.mu.Lock()
	slot := s.cfg.Slot
	s.mu.Unlock()
	if slot == nil {
		return fn(ctx)
	}
	bctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	release, err := slot(bctx, endpoint, func() { cancel(errYielded) })
	if err != nil {
		return nil, err
	}
	defer release()
	v, err := fn(bctx)
	if context.Cause(bctx) == errYielded {
		return nil, errYielded
	}
	return v, err
}

// Knowledge lists the knowledge files of a project and of an assistant:
// what a conversation in the project, or started from the assistant,
// retrieves from.
func (s *Service) Knowledge(ctx context.Context, projectID, assistantID int64) ([]store.KnowledgeFile, error) {
	return s.cfg.Store.ConversationKnowledge(ctx, projectID, assistantID)
}

// Record keeps what retrieval gave an answer.
func (s *Service) Record(ctx context.Context, answerID int64, r store.AnswerRetrieval) error {
	return s.cfg.Store.SetAnswerRetrieval(ctx, answerID, r)
}
