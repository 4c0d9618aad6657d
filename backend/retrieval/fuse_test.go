package retrieval

import (
	"slices"
	"testing"
)

// TestFuseRewardsAgreement: a chunk both rankings place high beats one
// that only one ranking places first; a chunk in one list only still comes back.
func TestFuseRewardsAgreement(t *testing.T) {
	words := []int64{1, 2, 3, 4}
	meaning := []int64{5, 2, 3, 1}
	got := Fuse(words, meaning)
	if got[0] != 2 {
		t.Fatalf("Fuse = %v, want 2 (second in both) first", got)
	}
	if !slices.Contains(got, 4) || !slices.Contains(got, 5) || len(got) != 5 {
		t.Fatalf("Fuse = %v, want every chunk once", got)
	}
	// 1 (first and fourth) beats 5 (first in one list only).
	if slices.Index(got, 1) > slices.Index(got, 5) {
		t.Fatalf("Fuse = %v, want 1 before 5", got)
	}
}

// TestFuseOneList keeps a single ranking's order, and nothing gives nothing.
func TestFuseOneList(t *testing.T) {
	if got := Fuse([]int64{9, 7, 8}, nil); !slices.Equal(got, []int64{9, 7, 8}) {
		t.Fatalf("Fuse = %v", got)
	}
	if got := Fuse(nil, nil); len(got) != 0 {
		t.Fatalf("Fuse of nothing = %v", got)
	}
}

// TestNearestFindsMostSimilar ranks by cosine, best first, k at most.
func TestNearestFindsMostSimilar(t *testing.T) {
	blocks := []block{
		newBlock([]int64{1, 2}, [][]float32{{1, 0, 0}, {0.9, 0.1, 0}}),
		newBlock([]int64{3, 4}, [][]float32{{0, 1, 0}, {-1, 0, 0}}),
		newBlock([]int64{5}, [][]float32{{1, 0}}), // another model's vector: never similar
	}
	got := nearest(normalize([]float32{1, 0.05, 0}), blocks, 2)
	if !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("nearest = %v, want [1 2]", got)
	}
	// Spread over many rows, the scan runs on every CPU and finds the same best.
	var ids []int64
	var many [][]float32
	for i := range minParallel + 10 {
		ids = append(ids, int64(100+i))
		many = append(many, []float32{0, 1, float32(i%7) / 10})
	}
	ids[minParallel/2], many[minParallel/2] = 7, []float32{1, 0.05, 0}
	if got := nearest(normalize([]float32{1, 0.05, 0}), []block{newBlock(ids, many)}, 1); !slices.Equal(got, []int64{7}) {
		t.Fatalf("parallel nearest = %v, want [7]", got)
	}
}

// TestNormalizeZero: a zero vector stays zero rather than becoming NaNs.
func TestNormalizeZero(t *testing.T) {
	if v := normalize([]float32{0, 0}); v[0] != 0 || v[1] != 0 {
		t.Fatalf("normalize(0) = %v", v)
	}
}
