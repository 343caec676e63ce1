package fingerprint

import (
	"fmt"
	"math/bits"
	"strconv"

	"github.com/cespare/xxhash/v2"
)

// NearDuplicateThreshold is the largest Hamming distance between two
// SimHashes for their prompts to count as near-duplicates. It was chosen from
// the measurements in simhash_test.go: reworded, re-spaced and re-numbered
// variants of prompts of a few sentences or more fall within it, while the
// measured false-positive rate on 10,000 random pairs of unrelated prompts
// is below 0.1% (see README).
const NearDuplicateThreshold = 12

// ShingleSize is the number of consecutive words per SimHash feature.
const ShingleSize = 2

// HashRaw returns the 64-bit xxHash (XXH64, seed 0) of text as given. The
// algorithm is fixed: values are comparable across processes and versions.
func HashRaw(text string) uint64 { return xxhash.Sum64String(text) }

// Hash returns the exact hash of a prompt: HashRaw(Canonical(text)).
func Hash(text string) uint64 { return HashRaw(Canonical(text)) }

// Hamming returns the number of differing bits of a and b.
func Hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// NearDuplicate reports whether two SimHashes are within NearDuplicateThreshold.
func NearDuplicate(a, b uint64) bool { return Hamming(a, b) <= NearDuplicateThreshold }

// SimHash returns the 64-bit SimHash of Canonical(text).
func SimHash(text string) uint64 { return simHashCanonical(Canonical(text)) }

// simHashCanonical computes the SimHash of already canonical text. Words
// are the maximal runs of letters, digits and placeholder characters
// (punctuation separates words and is ignored); each feature is a shingle of
// ShingleSize consecutive words, each word hashed with FNV-1a 64 and the
// shingle mixed by mixShingle (a text shorter than a shingle is one feature); every feature votes +1/-1 per bit; bits with a
// positive sum are set. Empty text has SimHash 0.
func simHashCanonical[T ~string | ~[]byte](c T) uint64 {
	var ones bitCounter
	var window [ShingleSize]uint64
	words := 0
	for i := 0; i < len(c); {
		for i < len(c) && !isWordByte(c[i]) {
			i++
		}
		if i == len(c) {
			break
		}
		h := uint64(fnvOffset)
		for ; i < len(c) && isWordByte(c[i]); i++ {
			h = (h ^ uint64(c[i])) * fnvPrime
		}
		copy(window[:], window[1:])
		window[ShingleSize-1] = h
		words++
		if words >= ShingleSize {
			ones.add(mixShingle(window[:]))
		}
	}
	if ones.n == 0 {
		if words == 0 {
			return 0
		}
		ones.add(mixShingle(window[ShingleSize-words:]))
	}
	return ones.majority()
}

// FNV-1a 64-bit parameters, used to hash words inline while scanning.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// bitCounter counts, for each of 64 bit positions, how many added values
// had the bit set. The counts are kept bit-sliced (plane k holds bit k of
// all 64 counters), so adding a value is a ripple-carry over a few planes
// instead of 64 separate increments.
type bitCounter struct {
	planes [32]uint64
	n      uint64
}

func (b *bitCounter) add(h uint64) {
	b.n++
	carry := h
	for k := 0; carry != 0 && k < len(b.planes); k++ {
		b.planes[k], carry = b.planes[k]^carry, b.planes[k]&carry
	}
}

// majority sets bit i when more than half of the added values had bit i set
// (a SimHash vote sum > 0): counter i > n/2, compared for all 64 counters at
// once on the bit planes, from the most significant plane down.
func (b *bitCounter) majority() uint64 {
	t := b.n / 2 // counter > n/2  <=>  counter > floor(n/2)
	if t>>len(b.planes) != 0 {
		return 0 // no counter can exceed t
	}
	var gt uint64
	eq := ^uint64(0)
	for k := len(b.planes) - 1; k >= 0; k-- {
		if t>>uint(k)&1 == 0 {
			gt |= eq & b.planes[k]
			eq &^= b.planes[k]
		} else {
			eq &= b.planes[k]
		}
	}
	return gt
}

// mixShingle combines word hashes order-sensitively.
func mixShingle(ws []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, w := range ws {
		h = bits.RotateLeft64(h^w, 27)*0x94D049BB133111EB + 0xBF58476D1CE4E5B9
	}
	h ^= h >> 31
	return h
}

// isWordByte reports bytes that belong to words: ASCII letters and digits,
// placeholder brackets, and all bytes of multi-byte UTF-8 sequences.
func isWordByte(c byte) bool { return byteClass[c]&classWord != 0 }

// FormatHex renders a 64-bit fingerprint as exactly 16 lower-case hex
// digits, the form written to kaizen.* hash attributes.
func FormatHex(h uint64) string {
	const digits = "0123456789abcdef"
	var out [16]byte
	for i := 15; i >= 0; i-- {
		out[i] = digits[h&0xf]
		h >>= 4
	}
	return string(out[:])
}

// ParseHex parses a fingerprint written by FormatHex.
func ParseHex(s string) (uint64, error) {
	if len(s) != 16 {
		return 0, fmt.Errorf("parse fingerprint %q: want 16 hex digits", s)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("parse fingerprint %q: %w", s, err)
	}
	return v, nil
}
