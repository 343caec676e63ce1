package detect

import (
	"fmt"
	"slices"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
)

// lshBands splits the 64-bit SimHash into bands of 8 bits: two prompts
// within 7 bits of each other share at least one band (pigeonhole), and
// most pairs within NearDuplicateThreshold do, so only calls sharing a
// band are compared instead of all pairs.
const (
	lshBands    = 8
	lshBandBits = 64 / lshBands
)

// fingerprintOnlyMaxHamming is the largest SimHash distance accepted as a
// near-duplicate when no content was recorded to confirm it.
const fingerprintOnlyMaxHamming = 3

// dupKind says how two calls were found to be duplicates.
type dupKind int

const (
	notDup dupKind = iota
	dupFingerprint
	dupNear
	dupExact
)

// detectRedundant groups calls asking the same question (exact prompt hash,
// or SimHash near-duplicates confirmed on content) and reports every group
// of two or more calls not already claimed by the retry and loop
// detectors. The first call of a group is the one to keep.
func detectRedundant(s *state) []run.Finding {
	var live []*callInfo
	for _, ci := range s.calls {
		if !s.claimed[ci.c.Number] && !ci.c.Failed() && (ci.promptHash != 0 || ci.simHash != 0) {
			live = append(live, ci)
		}
	}
	uf := newUnionFind(len(live))
	// weakest is, per root, the weakest evidence linking its group.
	weakest := make([]dupKind, len(live))
	for i := range weakest {
		weakest[i] = dupExact
	}
	link := func(i, j int, k dupKind) {
		w := min(weakest[uf.find(i)], weakest[uf.find(j)], k)
		weakest[uf.union(i, j)] = w
	}
	// Exact prompt hashes.
	byHash := map[uint64]int{}
	for i, ci := range live {
		if ci.promptHash == 0 {
			continue
		}
		if j, ok := byHash[ci.promptHash]; ok {
			if k := s.dupOf(live[j], ci, true); k != notDup {
				link(j, i, k)
			}
			continue
		}
		byHash[ci.promptHash] = i
	}
	// Near-duplicates through LSH bands of the SimHash.
	for band := 0; band < lshBands; band++ {
		buckets := map[uint64][]int{}
		for i, ci := range live {
			if ci.simHash == 0 {
				continue
			}
			key := ci.simHash >> (band * lshBandBits) & (1<<lshBandBits - 1)
			buckets[key] = append(buckets[key], i)
		}
		for _, b := range sortedBuckets(buckets) {
			for x := 0; x < len(b); x++ {
				for y := x + 1; y < len(b); y++ {
					i, j := b[x], b[y]
					a, c := live[i].simHash, live[j].simHash
					if uf.find(i) == uf.find(j) || sharesEarlierBand(a, c, band) || fingerprint.Hamming(a, c) > fingerprint.NearDuplicateThreshold {
						continue
					}
					if k := s.dupOf(live[i], live[j], false); k != notDup {
						link(i, j, k)
					}
				}
			}
		}
	}
	groups := map[int][]*callInfo{}
	for i := range live {
		r := uf.find(i)
		groups[r] = append(groups[r], live[i])
	}
	var out []run.Finding
	for _, r := range sortedRoots(groups) {
		g := groups[r]
		if len(g) < 2 {
			continue
		}
		out = append(out, redundantFinding(g, weakest[r]))
		s.claim(g)
	}
	return out
}

// dupOf says whether two calls ask the same question. With content, the
// system instructions must match, the non-system messages must reach the
// similarity threshold and the outputs must be similar; without content,
// an exact hash or a SimHash within fingerprintOnlyMaxHamming is required.
func (s *state) dupOf(a, b *callInfo, sameHash bool) dupKind {
	if a.hasContent && b.hasContent {
		if !sameSystem(a, b) || !s.similarOutputs(a, b) {
			return notDup
		}
		if sameHash || jaccard(a.qSh, b.qSh) >= 0.999 {
			return dupExact
		}
		if jaccard(a.qSh, b.qSh) >= s.cfg.similarity {
			return dupNear
		}
		return notDup
	}
	if sameHash || fingerprint.Hamming(a.simHash, b.simHash) <= fingerprintOnlyMaxHamming {
		return dupFingerprint
	}
	return notDup
}

// sharesEarlierBand reports whether two SimHashes share a band before
// band, so that each candidate pair is examined once.
func sharesEarlierBand(a, b uint64, band int) bool {
	for k := 0; k < band; k++ {
		if (a^b)>>(k*lshBandBits)&(1<<lshBandBits-1) == 0 {
			return true
		}
	}
	return false
}

func sortedBuckets(m map[uint64][]int) [][]int {
	keys := make([]uint64, 0, len(m))
	for k, v := range m {
		if len(v) > 1 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([][]int, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

func sortedRoots(m map[int][]*callInfo) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b int) int { return m[a][0].c.Number - m[b][0].c.Number })
	return keys
}

func redundantFinding(g []*callInfo, k dupKind) run.Finding {
	ns := numbers(g)
	conf, how := 0.95, "the same prompt"
	switch k {
	case dupNear:
		conf, how = 0.8, "near-identical prompts (confirmed on content)"
	case dupFingerprint:
		conf, how = 0.6, "the same prompt fingerprint (content not recorded)"
	}
	first := g[0]
	return run.Finding{
		Confidence: conf,
		Calls:      ns,
		Title:      fmt.Sprintf("Calls %s ask the same thing", callList(ns)),
		Explanation: fmt.Sprintf("%d calls send %s to %s and get the same answer: %q.",
			len(g), how, first.c.Model(), preview(first.last, 80)),
		Recommendation: fmt.Sprintf("Cache the answer of call #%d (keyed on the prompt) and reuse it instead of calling the model again.", ns[0]),
	}
}

// unionFind is a disjoint-set forest over 0..n-1.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &unionFind{parent: p}
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins the sets of i and j and returns the new root (the smaller
// index, so groups are rooted at their earliest call).
func (u *unionFind) union(i, j int) int {
	ri, rj := u.find(i), u.find(j)
	if rj < ri {
		ri, rj = rj, ri
	}
	u.parent[rj] = ri
	return ri
}
