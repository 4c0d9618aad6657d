package retrieval

import "sort"

// rrfK is reciprocal rank fusion's constant: 60, as in Cormack, Clarke
// and Büttcher (2009), where it was chosen and works across collections.
const rrfK = 60

// Fuse merges rankings (each a list of chunk IDs, best first) by
// reciprocal rank fusion: a chunk scores the sum of 1/(rrfK+rank) over the
// lists it is in. Ties keep the order of the first list that has them.
func Fuse(rankings ...[]int64) []int64 {
	score := map[int64]float64{}
	first := map[int64]int{}
	pos := 0
	for _, list := range rankings {
		for rank, id := range list {
			score[id] += 1 / float64(rrfK+rank+1)
			if _, ok := first[id]; !ok {
				first[id] = pos
				pos++
			}
		}
	}
	ids := make([]int64, 0, len(score))
	for id := range score {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := ids[i], ids[j]
		if score[a] != score[b] {
			return score[a] > score[b]
		}
		return first[a] < first[b]
	})
	return ids
}
