package retrieval

import (
	"math"
	"runtime"
	"sort"
	"sync"

	"brook/backend/store"
)

// normalize scales v to length 1 in place, so a dot product is the cosine.
func normalize(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}

func dot(a, b []float32) float32 {
	if len(a) != len(b) {
		return -2 // vectors of another model: never similar
	}
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// scored is a chunk with its similarity to a question.
type scored struct {
	id    int64
	score float32
}

// block is the normalised vectors of one document's chunks, in one
// contiguous slice (dims floats a chunk): a scan reads memory in order.
type block struct {
	ids  []int64
	data []float32
	dims int
}

func newBlock(ids []int64, vectors [][]float32) block {
	b := block{ids: ids}
	if len(vectors) > 0 {
		b.dims = len(vectors[0])
	}
	b.data = make([]float32, 0, len(vectors)*b.dims)
	for _, v := range vectors {
		b.data = append(b.data, normalize(v)...)
	}
	return b
}

// blockFrom is the block of vectors read from the store, normalised in
// place.
func blockFrom(v store.VectorBlock) block {
	b := block{ids: v.ChunkIDs, data: v.Data, dims: v.Dims}
	for i := range b.ids {
		normalize(b.vector(i))
	}
	return b
}

func (b block) vector(i int) []float32 { return b.data[i*b.dims : (i+1)*b.dims] }

// bytes is the memory the block takes.
func (b block) bytes() int { return blockBytes(len(b.ids), b.dims) }

// blockBytes is the memory a block of n vectors of dims floats takes.
func blockBytes(n, dims int) int { return n * (8 + 4*dims) }

// topK keeps the k best scores seen, best first.
type topK struct {
	k   int
	top []scored
}

func (t *topK) add(id int64, s float32) {
	if len(t.top) == t.k && s <= t.top[t.k-1].score {
		return
	}
	i := sort.Search(len(t.top), func(i int) bool { return t.top[i].score < s })
	t.top = append(t.top, scored{})
	copy(t.top[i+1:], t.top[i:])
	t.top[i] = scored{id, s}
	if len(t.top) > t.k {
		t.top = t.top[:t.k]
	}
}

// minParallel is the number of vectors from which a scan is shared out
// among the CPUs.
const minParallel = 20_000

// nearest returns the IDs of the k vectors of blocks most similar to q
// (normalised), best first. Large scans run on every CPU.
func nearest(q []float32, blocks []block, k int) []int64 {
	if k <= 0 {
		return nil
	}
	type row struct{ b, i int }
	total := 0
	for _, b := range blocks {
		total += len(b.ids)
	}
	workers := 1
	if total >= minParallel {
		workers = runtime.GOMAXPROCS(0)
	}
	// Worker w scans every workers-th block's share of rows: blocks are
	// documents of any size, so rows are shared out, not blocks.
	results := make([]topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := topK{k: k}
			for _, b := range blocks {
				n := len(b.ids)
				from, to := n*w/workers, n*(w+1)/workers
				if b.dims != len(q) {
					continue // another model's vectors
				}
				for i := from; i < to; i++ {
					t.add(b.ids[i], dot(q, b.vector(i)))
				}
			}
			results[w] = t
		}()
	}
	wg.Wait()
	merged := topK{k: k}
	for _, t := range results {
		for _, s := range t.top {
			merged.add(s.id, s.score)
		}
	}
	ids := make([]int64, len(merged.top))
	for i, s := range merged.top {
		ids[i] = s.id
	}
	return ids
}
