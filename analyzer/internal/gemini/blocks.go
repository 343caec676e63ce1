package gemini

import "github.com/kaizenhq/kaizen/internal/domain/fingerprint"

// blockIndex numbers the paragraphs that occur more than once in a run.
type blockIndex struct {
	ids   map[uint64]int // hash → block number (repeated blocks only)
	first map[uint64]int // hash → call number of the first occurrence
	min   int
}

// indexBlocks finds the paragraphs of at least min bytes that occur more
// than once, numbering them B1, B2, … in order of first occurrence.
func indexBlocks(contents [][]section, min int) *blockIndex {
	count := map[uint64]int{}
	first := map[uint64]int{}
	var order []uint64
	for i, secs := range contents {
		for _, s := range secs {
			for _, p := range s.paras {
				if len(p) < min {
					continue
				}
				h := fingerprint.HashRaw(p)
				if count[h] == 0 {
					first[h] = i + 1
					order = append(order, h)
				}
				count[h]++
			}
		}
	}
	bi := &blockIndex{ids: map[uint64]int{}, first: first, min: min}
	for _, h := range order {
		if count[h] > 1 {
			bi.ids[h] = len(bi.ids) + 1
		}
	}
	return bi
}

// lookup returns the block number of a repeated paragraph and the call in
// which it first occurs.
func (bi *blockIndex) lookup(p string) (id, firstCall int, ok bool) {
	if len(p) < bi.min {
		return 0, 0, false
	}
	h := fingerprint.HashRaw(p)
	id, ok = bi.ids[h]
	return id, bi.first[h], ok
}
