package retrieval

import "sync"

// vectorCache keeps the normalised vectors of recently searched documents
// in memory, so a search is a scan of floats and not a read of BLOBs. It
// holds at most limit vectors, dropping whole documents, oldest first.
type vectorCache struct {
	mu    sync.Mutex
	limit int
	size  int
	order []cacheKey
	docs  map[cacheKey]block
}

type cacheKey struct {
	docID int64
	model string
}

func newVectorCache(limit int) *vectorCache {
	return &vectorCache{limit: limit, docs: map[cacheKey]block{}}
}

func (c *vectorCache) get(k cacheKey) (block, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.docs[k]
	return v, ok
}

func (c *vectorCache) put(k cacheKey, v block) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.docs[k]; ok {
		return
	}
	for c.size+len(v.ids) > c.limit && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.size -= len(c.docs[old].ids)
		delete(c.docs, old)
	}
	c.docs[k] = v
	c.order = append(c.order, k)
	c.size += len(v.ids)
}
