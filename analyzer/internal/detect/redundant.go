package detect

import (
	"fmt"
	"slices"
	"strings"

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
	// dupNearOtherAnswer: near-identical requests whose answers differ
	// (sampling): the request alone is the evidence.
	dupNearOtherAnswer
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

// dupOf says whether two calls ask the same question, judged on the
// canonical request (system instructions and messages), not on the
// answer: a different answer to the same request is sampling, not a
// different question. With content, the system instructions must match
// and either the canonical requests are equal, or they reach the
// similarity threshold and the blocks in which they differ differ only in
// filler (see minorDifference). Without content, an exact hash or a
// SimHash within fingerprintOnlyMaxHamming is required.
func (s *state) dupOf(a, b *callInfo, sameHash bool) dupKind {
	if a.hasContent && b.hasContent {
		if !sameSystem(a, b) {
			return notDup
		}
		if sameHash || jaccard(a.qSh, b.qSh) >= 0.999 && minorDifference(a, b) {
			return dupExact
		}
		if jaccard(a.qSh, b.qSh) >= s.cfg.similarity && minorDifference(a, b) {
			if s.similarOutputs(a, b) {
				return dupNear
			}
			return dupNearOtherAnswer
		}
		return notDup
	}
	if sameHash || fingerprint.Hamming(a.simHash, b.simHash) <= fingerprintOnlyMaxHamming {
		return dupFingerprint
	}
	return notDup
}

// minorDifference reports whether two requests differ only in filler: the
// non-system blocks one has and the other lacks (by canonical hash) must
// use the same words, ignoring greetings, politeness and function words
// (fillerWords). A different question over the same context, other data in
// the same template, another number or a negation all leave a word on one
// side only.
func minorDifference(a, b *callInfo) bool {
	count := map[uint64]int{}
	for _, x := range a.blocks {
		if !x.system {
			count[x.hash]++
		}
	}
	var onlyB []block
	for _, x := range b.blocks {
		if x.system {
			continue
		}
		if count[x.hash] > 0 {
			count[x.hash]--
			continue
		}
		onlyB = append(onlyB, x)
	}
	var onlyA []block
	for _, x := range a.blocks {
		if !x.system && count[x.hash] > 0 {
			count[x.hash]--
			onlyA = append(onlyA, x)
		}
	}
	wa, wb := significantWords(onlyA), significantWords(onlyB)
	if len(wa) != len(wb) {
		return false
	}
	for w := range wa {
		if !wb[w] {
			return false
		}
	}
	return true
}

// significantWords returns the canonical words of blocks that are not
// filler.
func significantWords(bs []block) map[string]bool {
	out := map[string]bool{}
	for _, b := range bs {
		for _, w := range wordsOf(fingerprint.Canonical(b.text)) {
			if !fillerWords[w] {
				out[w] = true
			}
		}
	}
	return out
}

// fillerWords change the wording of a request, not what it asks:
// articles, pronouns, auxiliaries, greetings and politeness. Negations
// ("not", "no", "never"), numbers and every content word are significant.
var fillerWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the of to in on at for by with from as and or but so if then
		i me my we us our you your it its this that these those there here
		is are was were be been am do does did can could would will shall should may might must
		please pls kindly thanks thank thx cheers hi hello hey dear greetings regards sorry ok okay
		quick quickly check again just also tell let know help question asking ask wondering wonder
		hmm um well actually basically really still now real briefly short`) {
		m[w] = true
	}
	return m
}()

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
	conf, how, answers := 0.95, "the same request", "get the same answer"
	switch k {
	case dupNear:
		conf, how = 0.85, "near-identical requests (differing only in wording filler, case, spacing or volatile ids)"
	case dupNearOtherAnswer:
		conf, how, answers = 0.75, "near-identical requests (differing only in wording filler, case, spacing or volatile ids)", "get differently sampled answers to it"
	case dupFingerprint:
		conf, how = 0.6, "the same prompt fingerprint (content not recorded)"
	}
	if k == dupExact && !sameOutputs(g) {
		answers = "get differently sampled answers to it"
	}
	first := g[0]
	return run.Finding{
		Confidence: conf,
		Calls:      ns,
		Title:      fmt.Sprintf("Calls %s ask the same thing", callList(ns)),
		Explanation: fmt.Sprintf("%d calls send %s to %s and %s: %q.",
			len(g), how, first.c.Model(), answers, preview(first.last, 80)),
		Recommendation: fmt.Sprintf("Cache the answer of call #%d (keyed on the canonical request) and reuse it instead of calling the model again.", ns[0]),
	}
}

// sameOutputs reports whether every call of g got the same canonical answer.
func sameOutputs(g []*callInfo) bool {
	for _, ci := range g[1:] {
		if jaccard(ci.outSh, g[0].outSh) < 0.999 {
			return false
		}
	}
	return true
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
