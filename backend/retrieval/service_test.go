package retrieval

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"brook/backend/store"
)

// wordsEmbedder is a fake embedding model: one dimension per word of a
// small vocabulary, so texts that share words are similar.
type wordsEmbedder struct {
	mu    sync.Mutex
	calls int
	fail  error
}

var vocab = []string{"river", "bridge", "mill", "tax", "invoice", "payment", "garden", "rose", "water"}

func (e *wordsEmbedder) Embed(_ context.Context, _ string, texts []string) ([][]float32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls++
	if e.fail != nil {
		return nil, e.fail
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, len(vocab))
		for j, w := range vocab {
			v[j] = float32(strings.Count(strings.ToLower(t), w))
		}
		v[0] += 0.01 // never all zero
		out[i] = v
	}
	return out, nil
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// addDocument stores a document with pages through a message, as an
// attachment is stored, and returns its stored ID.
func addDocument(t *testing.T, s *store.Store, name, text string) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := s.CreateConversation(ctx, store.Conversation{Title: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMessage(ctx, store.Message{ConversationID: c.ID, Role: store.RoleUser, Content: "read",
		Documents: []store.Document{{Name: name, Kind: "pdf", MIME: "application/pdf", Text: text, Data: []byte(text)}}})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := s.ConversationDocuments(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return docs[m.ID][0].StoredID
}

func pagedText() string {
	return "--- Page 1 ---\nThe mill stood by the river, and the bridge crossed it.\n\n" +
		"--- Page 2 ---\nThe invoice asks for payment of the tax by March.\n\n" +
		"--- Page 3 ---\nIn the garden the rose needs water every morning.\n"
}

func setModel(t *testing.T, s *store.Store, model string) {
	t.Helper()
	set, err := s.LoadSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set.EmbedEndpointID, set.EmbedModel = "ollama", model
	if model == "" {
		set.EmbedEndpointID = ""
	}
	if err := s.SaveSettings(context.Background(), set); err != nil {
		t.Fatal(err)
	}
}

func newService(t *testing.T, s *store.Store, emb Embedder) *Service {
	t.Helper()
	svc := New(context.Background(), Config{Store: s, Embedder: func(context.Context, string) (Embedder, error) { return emb, nil }})
	t.Cleanup(svc.Close)
	return svc
}

// waitEmbedded waits for the background indexer to embed docID.
func waitEmbedded(t *testing.T, s *store.Store, docID int64, model string) {
	t.Helper()
	for range 500 {
		if ok, err := s.DocumentEmbedded(context.Background(), docID, model); err != nil || ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the document was never embedded")
}

// TestSearchWithoutModelFallsBackToWords: with no embedding model set, a
// search still finds the page by its words, and says it searched by words only.
func TestSearchWithoutModelFallsBackToWords(t *testing.T) {
	s := openStore(t)
	emb := &wordsEmbedder{}
	svc := newService(t, s, emb)
	id := addDocument(t, s, "notes.pdf", pagedText())
	ctx := context.Background()
	if err := svc.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Search(ctx, "When is the tax payment due?", []int64{id}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chunks) != 1 || res.Chunks[0].Page != 2 {
		t.Fatalf("Search = %+v, want the chunk of page 2", res.Chunks)
	}
	if res.Notice.Kind != NoticeNoModel || !strings.Contains(res.Notice.Text, "BM25") {
		t.Fatalf("Notice = %+v, want the no-model notice", res.Notice)
	}
	if emb.calls != 0 {
		t.Fatalf("the embedder was called %d times without a model set", emb.calls)
	}
}

// TestSearchByMeaningFindsWhatWordsMiss: with a model, a question sharing
// no word with the right chunk (after stop words) still finds it by its
// vector, fused with the word ranking; the document is embedded once.
func TestSearchByMeaningFindsWhatWordsMiss(t *testing.T) {
	s := openStore(t)
	emb := &wordsEmbedder{}
	svc := newService(t, s, emb)
	setModel(t, s, "fake-embed")
	id := addDocument(t, s, "notes.pdf", pagedText())
	ctx := context.Background()
	if err := svc.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	waitEmbedded(t, s, id, "fake-embed")
	// "rosewater" is no word of the document, so BM25 finds nothing; the
	// fake model sees "rose" and "water" in it, as a real one sees meaning.
	if hits, err := s.SearchChunks(ctx, "rosewater", []int64{id}, 5); err != nil || len(hits) != 0 {
		t.Fatalf("BM25 found %v, %v; the test needs a question words miss", hits, err)
	}
	res, err := svc.Search(ctx, "rosewater", []int64{id}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chunks) != 1 || res.Chunks[0].Page != 3 || res.Notice.Kind != NoticeNone {
		t.Fatalf("Search = %+v, %+v; want page 3 and no notice", res.Chunks, res.Notice)
	}
	calls := emb.calls
	if err := svc.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	if emb.calls != calls {
		t.Fatal("a document embedded already was embedded again")
	}
}

// TestSearchWhenModelFailsSaysSo: a model that fails leaves words to
// answer, with a notice naming the failure, and no error.
func TestSearchWhenModelFailsSaysSo(t *testing.T) {
	s := openStore(t)
	emb := &wordsEmbedder{}
	svc := newService(t, s, emb)
	setModel(t, s, "fake-embed")
	id := addDocument(t, s, "notes.pdf", pagedText())
	ctx := context.Background()
	if err := svc.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	waitEmbedded(t, s, id, "fake-embed")
	emb.mu.Lock()
	emb.fail = errors.New("model not found")
	emb.mu.Unlock()
	res, err := svc.Search(ctx, "bridge over the river", []int64{id}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Notice.Kind != NoticeModelFailed || len(res.Chunks) != 1 || res.Chunks[0].Page != 1 {
		t.Fatalf("Search = %+v, %+v", res.Chunks, res.Notice)
	}
}

// TestSearchWhileIndexingSaysSo: a document not embedded yet is searched
// by its words, with the still-indexing notice.
func TestSearchWhileIndexingSaysSo(t *testing.T) {
	s := openStore(t)
	block := make(chan struct{})
	svc := New(context.Background(), Config{Store: s, Embedder: func(ctx context.Context, _ string) (Embedder, error) {
		select {
		case <-block:
		case <-ctx.Done():
		}
		return nil, errors.New("not now")
	}})
	t.Cleanup(func() { close(block); svc.Close() })
	setModel(t, s, "fake-embed")
	id := addDocument(t, s, "notes.pdf", pagedText())
	ctx := context.Background()
	if err := svc.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Search(ctx, "mill", []int64{id}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Notice.Kind != NoticeIndexing || len(res.Chunks) == 0 || res.Chunks[0].Page != 1 {
		t.Fatalf("Search = %+v, %+v", res.Chunks, res.Notice)
	}
}

// TestEmbeddingYieldsToAnswers: a batch whose background slot an answer
// wants is dropped and done again in the next slot, so it is never in an
// answer's way, and the document still ends up embedded.
func TestEmbeddingYieldsToAnswers(t *testing.T) {
	s := openStore(t)
	emb := &wordsEmbedder{}
	svc := newService(t, s, emb)
	var slots int
	var mu sync.Mutex
	svc.SetSlot(func(ctx context.Context, _ string, yield func()) (func(), error) {
		mu.Lock()
		slots++
		first := slots == 1
		mu.Unlock()
		if first {
			yield() // an answer arrived at once
		}
		return func() {}, nil
	})
	setModel(t, s, "fake-embed")
	id := addDocument(t, s, "notes.pdf", pagedText())
	if err := svc.Prepare(context.Background(), []int64{id}); err != nil {
		t.Fatal(err)
	}
	waitEmbedded(t, s, id, "fake-embed")
	mu.Lock()
	defer mu.Unlock()
	if slots < 2 {
		t.Fatalf("%d slots taken, want the yielded batch done again", slots)
	}
}
