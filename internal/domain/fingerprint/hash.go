package fingerprint

import (
	"fmt"
	"math/bits"
	"strconv"

	"github.com/cespare/xxhash/v2"
)

// NearDuplicateThreshold is the largest Hamming distance between two
// SimHashes for their prompts to count as near-duplicates: reworded,
// re-spaced and re-numbered variants fall within it and unrelated prompts
// do not (simhash_test.go; rates in the README).
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

// FormatHex renders a 64-bit fingerprint as exactly 16 lower-case hex
// digits, the form written to kaizen.* hash attributes.
func FormatHex(h uint64) string {
	var out [16]byte
	return string(AppendHex(out[:0], h))
}

// AppendHex appends the FormatHex form of h (16 lower-case hex digits) to
// dst, so several fingerprints can share one buffer.
func AppendHex(dst []byte, h uint64) []byte {
	const digits = "0123456789abcdef"
	var out [16]byte
	for i := 15; i >= 0; i-- {
		out[i] = digits[h&0xf]
		h >>= 4
	}
	return append(dst, out[:]...)
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
