package retrieval

import (
	"context"
	"testing"
	"time"
)

// TestCacheDropsLeastRecentlySearched: the cache holds at most its bytes,
// dropping whole documents, the least recently searched first; a document
// larger than the whole cache is not kept.
func TestCacheDropsLeastRecentlySearched(t *testing.T) {
	one := newBlock([]int64{1, 2}, [][]float32{{1, 0}, {0, 1}})
	c := newVectorCache(2 * one.bytes())
	c.put(cacheKey{1, "m"}, one)
	c.put(cacheKey{2, "m"}, one)
	if _, ok := c.get(cacheKey{1, "m"}); !ok { // 1 is now the most recent
		t.Fatal("document 1 is not kept")
	}
	c.put(cacheKey{3, "m"}, one)
	if _, ok := c.get(cacheKey{2, "m"}); ok {
		t.Fatal("document 2, searched least recently, was kept past the bound")
	}
	for _, id := range []int64{1, 3} {
		if _, ok := c.get(cacheKey{id, "m"}); !ok {
			t.Fatalf("document %d was dropped", id)
		}
	}
	if c.bytes() != 2*one.bytes() {
		t.Fatalf("the cache holds %d bytes, want %d", c.bytes(), 2*one.bytes())
	}
	huge := newBlock([]int64{1, 2, 3, 4, 5}, [][]float32{{1, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 1}})
	c.put(cacheKey{4, "m"}, huge)
	if _, ok := c.get(cacheKey{4, "m"}); ok || c.bytes() != 2*one.bytes() {
		t.Fatal("a block larger than the cache was kept, or dropped others")
	}
}

// TestColdDocumentsAreReadInTheBackground: a search reads at most
// Config.ReadAtOnce chunks' vectors from the store itself; a document
// beyond that is searched by its words, with the still-indexing notice,
// while its vectors are read in the background, and by meaning once they
// are in memory.
func TestColdDocumentsAreReadInTheBackground(t *testing.T) {
	s := openStore(t)
	setModel(t, s, "fake-embed")
	id := addDocument(t, s, "notes.pdf", pagedText())
	ctx := context.Background()
	first := newService(t, s, &wordsEmbedder{})
	if err := first.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	waitEmbedded(t, s, id, "fake-embed")

	// A new Service, as after a restart: nothing in memory, and less read
	// at once than the document's three chunks.
	svc := New(ctx, Config{Store: s, ReadAtOnce: 2, Embedder: func(context.Context, string) (Embedder, error) { return &wordsEmbedder{}, nil }})
	t.Cleanup(svc.Close)
	res, err := svc.Search(ctx, "rosewater", []int64{id}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Notice.Kind != NoticeIndexing {
		t.Fatalf("Notice = %+v, want still indexing while the vectors are read", res.Notice)
	}
	for range 500 {
		if svc.VectorBytes() > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	res, err = svc.Search(ctx, "rosewater", []int64{id}, 1)
	if err != nil || len(res.Chunks) != 1 || res.Chunks[0].Page != 3 || res.Notice.Kind != NoticeNone {
		t.Fatalf("after the background read: %+v, %+v, %v; want page 3 by meaning", res.Chunks, res.Notice, err)
	}
}

// TestWarmUpReadsVectorsAtStart: with WarmUp, a new Service reads the
// embedded documents' vectors in the background, so the first search
// scans memory even when they are beyond what a search reads itself.
func TestWarmUpReadsVectorsAtStart(t *testing.T) {
	s := openStore(t)
	setModel(t, s, "fake-embed")
	id := addDocument(t, s, "notes.pdf", pagedText())
	ctx := context.Background()
	first := newService(t, s, &wordsEmbedder{})
	if err := first.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	waitEmbedded(t, s, id, "fake-embed")

	svc := New(ctx, Config{Store: s, WarmUp: true, ReadAtOnce: 1, Embedder: func(context.Context, string) (Embedder, error) { return &wordsEmbedder{}, nil }})
	t.Cleanup(svc.Close)
	<-svc.Warmed()
	if want := blockBytes(3, len(vocab)); svc.VectorBytes() != want {
		t.Fatalf("%d bytes of vectors in memory after the warm-up, want %d", svc.VectorBytes(), want)
	}
	res, err := svc.Search(ctx, "rosewater", []int64{id}, 1)
	if err != nil || len(res.Chunks) != 1 || res.Chunks[0].Page != 3 || res.Notice.Kind != NoticeNone {
		t.Fatalf("Search = %+v, %+v, %v; want page 3 by meaning", res.Chunks, res.Notice, err)
	}
}

// TestStaleVectorsAreReadAgain: vectors in memory that are not the stored
// document's (another count of chunks, as when a deleted document's ID
// comes back for another) are read again, not searched.
func TestStaleVectorsAreReadAgain(t *testing.T) {
	s := openStore(t)
	setModel(t, s, "fake-embed")
	id := addDocument(t, s, "notes.pdf", pagedText())
	ctx := context.Background()
	svc := newService(t, s, &wordsEmbedder{})
	if err := svc.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	waitEmbedded(t, s, id, "fake-embed")
	for range 500 { // the indexer keeps what it embedded, just after storing it
		if _, ok := svc.cache.get(cacheKey{id, "fake-embed"}); ok {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stale := make([]float32, len(vocab))
	stale[0] = 1
	svc.cache.put(cacheKey{id, "fake-embed"}, newBlock([]int64{999}, [][]float32{stale}))
	res, err := svc.Search(ctx, "rosewater", []int64{id}, 1)
	if err != nil || len(res.Chunks) != 1 || res.Chunks[0].Page != 3 || res.Notice.Kind != NoticeNone {
		t.Fatalf("Search = %+v, %+v, %v; want page 3 from the stored vectors", res.Chunks, res.Notice, err)
	}
	if b, ok := svc.cache.get(cacheKey{id, "fake-embed"}); !ok || len(b.ids) != 3 {
		t.Fatal("the stale vectors were kept")
	}
}
