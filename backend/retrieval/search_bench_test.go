package retrieval

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkNearest100k scans 100,000 vectors of 384 dimensions (all-minilm's
// size) for the 50 most similar to a question, as a search of 100,000
// embedded chunks does after its word search.
func BenchmarkNearest100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	const docs, perDoc, dims = 100, 1000, 384
	blocks := make([]block, docs)
	for d := range blocks {
		ids := make([]int64, perDoc)
		vecs := make([][]float32, perDoc)
		for i := range vecs {
			ids[i] = int64(d*perDoc + i)
			v := make([]float32, dims)
			for j := range v {
				v[j] = float32(rng.NormFloat64())
			}
			vecs[i] = v
		}
		blocks[d] = newBlock(ids, vecs)
	}
	q := make([]float32, dims)
	for j := range q {
		q[j] = float32(rng.NormFloat64())
	}
	q = normalize(q)
	b.ResetTimer()
	for b.Loop() {
		if len(nearest(q, blocks, candidates)) != candidates {
			b.Fatal("short result")
		}
	}
}
