package retrieval

import (
	"math"
	"sort"
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

// nearest returns the IDs of the k vectors most similar to q (both
// normalised), best first.
func nearest(q []float32, vecs []vec, k int) []int64 {
	if k <= 0 {
		return nil
	}
	// A small sorted list beats sorting everything for k ≪ len(vecs).
	top := make([]scored, 0, k+1)
	for _, v := range vecs {
		s := dot(q, v.v)
		if len(top) == k && s <= top[k-1].score {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return top[i].score < s })
		top = append(top, scored{})
		copy(top[i+1:], top[i:])
		top[i] = scored{v.id, s}
		if len(top) > k {
			top = top[:k]
		}
	}
	ids := make([]int64, len(top))
	for i, t := range top {
		ids[i] = t.id
	}
	return ids
}

// vec is one chunk's normalised vector.
type vec struct {
	id int64
	v  []float32
}
