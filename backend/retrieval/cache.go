package retrieval

import (
	"container/list"
	"sync"
)

// DefaultCacheBytes bounds the memory the vectors kept for searching take.
// 100,000 chunks with all-minilm's 384 dimensions take 154 MB (4 bytes a
// float, 8 a chunk ID); 256 MiB holds 170,000 such chunks (about 200
// 300-page books), or 85,000 with nomic-embed-text's 768. Beyond it the
// documents searched least recently are dropped, and read again from the
// store when next searched.
const DefaultCacheBytes = 256 << 20

// vectorCache keeps the normalised vectors of documents in memory, so a
// search is a scan of floats and not a read of BLOBs. It holds at most
// limit bytes, dropping whole documents, the least recently searched first.
type vectorCache struct {
	mu    sync.Mutex
	limit int
	size  int
	lru   *list.List // of *cacheEntry, most recently used at the front
	docs  map[cacheKey]*list.Element
}

type cacheKey struct {
	docID int64
	model string
}

type cacheEntry struct {
	key cacheKey
	b   block
}

func newVectorCache(limit int) *vectorCache {
	return &vectorCache{limit: limit, lru: list.New(), docs: map[cacheKey]*list.Element{}}
}

// get returns the vectors of k and marks them used.
func (c *vectorCache) get(k cacheKey) (block, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.docs[k]
	if !ok {
		return block{}, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).b, true
}

// put keeps v as the vectors of k, in place of any kept before, dropping
// the least recently used documents to make room; a block larger than the
// whole cache is not kept.
func (c *vectorCache) put(k cacheKey, v block) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.docs[k]; ok {
		c.size -= e.Value.(*cacheEntry).b.bytes()
		c.lru.Remove(e)
		delete(c.docs, k)
	}
	if v.bytes() > c.limit {
		return
	}
	for c.size+v.bytes() > c.limit {
		old := c.lru.Back()
		e := old.Value.(*cacheEntry)
		c.size -= e.b.bytes()
		delete(c.docs, e.key)
		c.lru.Remove(old)
	}
	c.docs[k] = c.lru.PushFront(&cacheEntry{k, v})
	c.size += v.bytes()
}

// room reports whether n more bytes fit without dropping anything.
func (c *vectorCache) room(n int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size+n <= c.limit
}

// bytes is the memory the cache holds.
func (c *vectorCache) bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
