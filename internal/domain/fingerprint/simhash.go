package fingerprint

import (
	"math/bits"
	"unicode/utf8"
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
// (isWordByte: punctuation and spaces separate words and are ignored); each
// word is hashed with FNV-1a 64; each feature is a shingle of ShingleSize
// consecutive words mixed by mixShingle (a text of one word is one feature
// of that word); every feature votes +1/-1 per bit; bits with a positive sum
// are set. Empty text has SimHash 0.
func simHashCanonical[T string | []byte](c T) uint64 {
	var votes bitCounter
	words := 0
	var first uint64 // mixFirst of the previous word
	h, inWord := uint64(fnvOffset), false
	for i := 0; i <= len(c); i++ {
		if i < len(c) && isWordByte(c[i]) {
			h = (h ^ uint64(c[i])) * fnvPrime
			inWord = true
			continue
		}
		if !inWord {
			continue
		}
		if words > 0 {
			votes.add(mixShingle(first, h))
		}
		first = mixFirst(h)
		words++
		h, inWord = fnvOffset, false
	}
	switch words {
	case 0:
		return 0
	case 1:
		return mixFinish(first) // a one-word text is one feature
	}
	return votes.majority()
}

// mixFirst is the first round of the shingle mix, applied to the first
// word of a shingle; mixShingle adds the second word and finishes.
func mixFirst(w uint64) uint64 { return bits.RotateLeft64(mixSeed^w, 27)*mixMul + mixAdd }

// mixShingle combines the words of a shingle order-sensitively; first is
// mixFirst of its first word.
func mixShingle(first, w uint64) uint64 {
	return mixFinish(bits.RotateLeft64(first^w, 27)*mixMul + mixAdd)
}

func mixFinish(h uint64) uint64 { return h ^ h>>31 }

// isWordByte reports the bytes that belong to SimHash words: ASCII letters
// and digits, placeholder brackets, and all bytes of multi-byte UTF-8
// sequences.
func isWordByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c >= utf8.RuneSelf || c == '<' || c == '>'
}
