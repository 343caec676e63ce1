package fingerprint

import (
	"math/bits"
	"unsafe"
)

// SimHash returns the 64-bit SimHash of Canonical(text).
func SimHash(text string) uint64 { return simHashCanonical(Canonical(text)) }

// FNV-1a 64-bit parameters of the SimHash word hash.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Shingle mix constants (see mixFirst and mixShingle).
const (
	mixSeed = 0x9E3779B97F4A7C15
	mixMul  = 0x94D049BB133111EB
	mixAdd  = 0xBF58476D1CE4E5B9
)

// The shingle code below is written for pairs of words.
var _ = [1]struct{}{}[ShingleSize-2]

// simHashCanonical computes the SimHash of already canonical text. Words
// are the maximal runs of letters, digits and placeholder characters
// (wordBit: punctuation and spaces separate words and are ignored); each
// word is hashed with FNV-1a 64; each feature is a shingle of ShingleSize
// consecutive words mixed by mixShingle (a text of one word is one feature
// of that word); every feature votes +1/-1 per bit; bits with a positive sum
// are set. Empty text has SimHash 0.
//
// The text is read in blocks of simBlock bytes. Each block is cut at word
// separators into simLanes segments whose words are hashed in lock step by
// independent branch-free FNV chains (wordLanes), so the multiply latency of
// one chain and the word-length branches do not serialize the loop; a word
// cut by a block boundary carries its hash state into the next block.
func simHashCanonical(c string) uint64 {
	var s simState
	s.h = fnvOffset
	var out [simBlock/2 + 4*simLanes]uint64
	for off := 0; off < len(c); off += simBlock {
		end := min(off+simBlock, len(c))
		s.block(c[off:end], end == len(c), &out)
	}
	switch s.words {
	case 0:
		return 0
	case 1:
		return mixFinish(s.first) // a one-word text is one feature
	}
	return s.votes.majority()
}

// Block and lane sizes of simHashCanonical.
const (
	simBlock    = 1024
	simLanes    = 2
	minLaneText = 64 // shorter blocks are hashed by one lane
)

// simState is the running state of simHashCanonical across blocks.
type simState struct {
	h, inWord uint64 // FNV state of a word cut by the block boundary
	words     int
	first     uint64 // mixFirst of the previous word
	votes     bitCounter
	shingles  [16]uint64 // shingles not yet counted: shingles[:pending]
	pending   int
}

// block hashes the words of one block and votes with their shingles.
func (s *simState) block(b string, last bool, out *[simBlock/2 + 4*simLanes]uint64) {
	var seg [simLanes + 1]int // segment j is b[seg[j]:seg[j+1]]
	seg[simLanes] = len(b)
	if len(b) >= minLaneText {
		for j := 1; j < simLanes; j++ {
			seg[j] = nextSeparator(b, max(seg[j-1], j*len(b)/simLanes))
		}
	} else {
		for j := 1; j < simLanes; j++ {
			seg[j] = len(b)
		}
	}
	var base, k [simLanes]int
	var h, in [simLanes]uint64
	for j := range simLanes {
		base[j] = seg[j]/2 + 2*j // room for every word of the earlier segments, see wordLane
		h[j] = fnvOffset
	}
	h[0], in[0] = s.h, s.inWord
	wordLanes(b[seg[0]:seg[1]], b[seg[1]:seg[2]], &h, &in, &k, &base, out[:])
	done := min(seg[1]-seg[0], seg[2]-seg[1])
	for j := range simLanes {
		h[j], in[j], k[j] = wordLane(b[seg[j]+done:seg[j+1]], h[j], in[j], k[j], out[base[j]:])
		// Every segment but the one ending the block is followed by a
		// separator (or is empty): its last word is complete.
		if seg[j+1] < len(b) || last {
			out[base[j]+k[j]] = h[j]
			k[j] += int(in[j])
			h[j], in[j] = fnvOffset, 0
		}
		s.addWords(out[base[j] : base[j]+k[j]])
	}
	s.h, s.inWord = h[simLanes-1], in[simLanes-1]
	for j := simLanes - 1; j > 0 && seg[j] == len(b); j-- {
		s.h, s.inWord = h[j-1], in[j-1] // later segments are empty
	}
	if last {
		s.flush()
	}
}

// nextSeparator returns the index of the first byte at or after i that is
// not a word byte, or len(b).
func nextSeparator(b string, i int) int {
	for ; i < len(b); i++ {
		if wordBit[b[i]] == 0 {
			return i
		}
	}
	return len(b)
}

// wordLane hashes the words of seg with FNV-1a, continuing a word in
// progress (h, in), and stores each completed word's hash at out[k],
// out[k+1], …; it returns the state and the new k. It is branch-free: every
// byte stores the running hash at out[k] and k advances only when a word
// ends, so out needs room for every word of seg plus one.
func wordLane(seg string, h, in uint64, k int, out []uint64) (uint64, uint64, int) {
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		w := uint64(wordBit[c])
		out[k] = h
		k += int(in &^ w)
		hn := (h ^ uint64(c)) * fnvPrime
		if w == 0 {
			hn = fnvOffset
		}
		h, in = hn, w
	}
	return h, in, k
}

// wordLanes runs wordLane over the first min(len) bytes of two segments in
// lock step, each lane writing at out[base[j]+k[j]]. It works on raw
// pointers so that both lanes' state stays in registers (the capacity
// argument of wordLane bounds every store).
func wordLanes(s0, s1 string, h, in *[simLanes]uint64, k, base *[simLanes]int, out []uint64) {
	n := min(len(s0), len(s1))
	_ = out[base[0]+k[0]+n/2+1] // the stores below stay within out (see block)
	_ = out[base[1]+k[1]+n/2+1]
	p0, p1 := unsafe.Pointer(unsafe.StringData(s0)), unsafe.Pointer(unsafe.StringData(s1))
	q0, q1 := unsafe.Pointer(&out[base[0]+k[0]]), unsafe.Pointer(&out[base[1]+k[1]])
	h0, h1, i0, i1 := h[0], h[1], in[0], in[1]
	for i := 0; i < n; i++ {
		c0, c1 := *(*byte)(unsafe.Add(p0, i)), *(*byte)(unsafe.Add(p1, i))
		w0, w1 := uint64(wordBit[c0]), uint64(wordBit[c1])
		*(*uint64)(q0), *(*uint64)(q1) = h0, h1
		q0 = unsafe.Add(q0, (i0&^w0)*8)
		q1 = unsafe.Add(q1, (i1&^w1)*8)
		n0, n1 := (h0^uint64(c0))*fnvPrime, (h1^uint64(c1))*fnvPrime
		if w0 == 0 {
			n0 = fnvOffset
		}
		if w1 == 0 {
			n1 = fnvOffset
		}
		h0, h1, i0, i1 = n0, n1, w0, w1
	}
	*h = [simLanes]uint64{h0, h1}
	*in = [simLanes]uint64{i0, i1}
	k[0] = int(uintptr(q0)-uintptr(unsafe.Pointer(&out[0])))/8 - base[0]
	k[1] = int(uintptr(q1)-uintptr(unsafe.Pointer(&out[0])))/8 - base[1]
}

// addWords turns consecutive words into shingles and votes with them.
func (s *simState) addWords(ws []uint64) {
	if len(ws) == 0 {
		return
	}
	if s.words == 0 {
		s.first = mixFirst(ws[0]) // a shingle needs a previous word
		s.words, ws = 1, ws[1:]
	}
	first, pending := s.first, s.pending
	for _, w := range ws {
		s.shingles[pending%len(s.shingles)] = mixShingle(first, w)
		if pending++; pending == len(s.shingles) {
			s.votes.add16(&s.shingles)
			pending = 0
		}
		first = mixFirst(w)
	}
	s.first, s.pending = first, pending
	s.words += len(ws)
}

// flush votes with the shingles not yet counted.
func (s *simState) flush() {
	for _, v := range s.shingles[:s.pending] {
		s.votes.add(v)
	}
	s.pending = 0
}

// mixFirst is the first round of the shingle mix, applied to the first
// word of a shingle; mixShingle adds the second word and finishes. A word's
// mixFirst is computed once although the word starts one shingle and ends
// another.
func mixFirst(w uint64) uint64 { return bits.RotateLeft64(mixSeed^w, 27)*mixMul + mixAdd }

// mixShingle combines the words of a shingle order-sensitively; first is
// mixFirst of its first word.
func mixShingle(first, w uint64) uint64 {
	return mixFinish(bits.RotateLeft64(first^w, 27)*mixMul + mixAdd)
}

func mixFinish(h uint64) uint64 { return h ^ h>>31 }

// wordBit is 1 for the bytes that belong to SimHash words: ASCII letters
// and digits, placeholder brackets, and all bytes of multi-byte UTF-8
// sequences.
var wordBit = func() (t [256]uint8) {
	for c := range t {
		if byteClass[c]&classWord != 0 {
			t[c] = 1
		}
	}
	return t
}()
