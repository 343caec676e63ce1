package fingerprint

import (
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// refSimHash is the SimHash definition written plainly (word list, FNV-1a
// from hash/fnv, one shingle mix per feature, ±1 vote sums per bit): the
// oracle the bit-sliced vote counting of simHashCanonical is checked against.
func refSimHash(c string) uint64 {
	isWord := func(c byte) bool {
		return c >= 0x80 || strings.IndexByte("<>0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", c) >= 0
	}
	var words []uint64
	for i := 0; i < len(c); {
		if !isWord(c[i]) {
			i++
			continue
		}
		j := i
		for j < len(c) && isWord(c[j]) {
			j++
		}
		h := fnv.New64a()
		h.Write([]byte(c[i:j]))
		words = append(words, h.Sum64())
		i = j
	}
	mix := func(ws []uint64) uint64 {
		h := uint64(0x9E3779B97F4A7C15)
		for _, w := range ws {
			h = bits.RotateLeft64(h^w, 27)*0x94D049BB133111EB + 0xBF58476D1CE4E5B9
		}
		return h ^ h>>31
	}
	var feats []uint64
	switch {
	case len(words) == 0:
		return 0
	case len(words) < ShingleSize:
		feats = append(feats, mix(words))
	default:
		for i := 0; i+ShingleSize <= len(words); i++ {
			feats = append(feats, mix(words[i:i+ShingleSize]))
		}
	}
	var sum [64]int
	for _, f := range feats {
		for b := range 64 {
			if f>>b&1 == 1 {
				sum[b]++
			} else {
				sum[b]--
			}
		}
	}
	var out uint64
	for b := range 64 {
		if sum[b] > 0 {
			out |= 1 << b
		}
	}
	return out
}

// referenceText builds texts with long and one-byte words, runs of
// separators, placeholders and multi-byte UTF-8.
func referenceText(r *rand.Rand) string {
	pieces := []string{"a", "bb", "word", "<num>", "<uuid>", "x<y>z", "émoji😀", "\xff", "日本語のテキスト", " ", "  ", ", ", ".", "\n", "-", "ŝ"}
	var b strings.Builder
	n := r.IntN(6000)
	for b.Len() < n {
		switch r.IntN(40) {
		case 0:
			b.WriteString(strings.Repeat("q", r.IntN(3000)))
		case 1:
			b.WriteString(strings.Repeat(" ", r.IntN(200)))
		default:
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
	}
	return b.String()
}

func TestSimHashMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 500; i++ {
		s := referenceText(r)
		if got, want := simHashCanonical(s), refSimHash(s); got != want {
			t.Fatalf("simHashCanonical(%d bytes) = %016x, reference %016x; text %.200q…", len(s), got, want, s)
		}
		c := Canonical(s)
		if got, want := SimHash(s), refSimHash(c); got != want {
			t.Fatalf("SimHash(%.200q…) = %016x, reference %016x", s, got, want)
		}
	}
	for _, s := range []string{"", " ", "a", "a b", strings.Repeat("a ", 1000), strings.Repeat("ab", 5000)} {
		if got, want := simHashCanonical(s), refSimHash(s); got != want {
			t.Errorf("simHashCanonical(%.40q…) = %016x, reference %016x", s, got, want)
		}
	}
}

// canonicalText builds texts dense in what the canonical fast path must
// hand to the byte-wise path: digits, dashes, letter-only UUID shapes,
// white space runs at chunk edges, upper case, non-ASCII, control bytes.
func canonicalText(r *rand.Rand) string {
	pieces := []string{"hello", "World", "THE", "abcdefab-abcd-abcd-abcd-abcdefabcdef", "DEADBEEF-dead-beef-dead-beefdeadbeef",
		"abcdefab", "-", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "12345", "2024-05-01T10:20:30Z", "9:30", "deadbeef12",
		"AbCdEf1234567890XyZ", "x<y>z", "<", ">", ".", ",", "é", "İ", "\u212a", "\xff", "\x7f", "\x01", "a", "ab", "abcdefghijklmnopq",
		"well-known", "e.g.", "(a)", "_", "Ab_", "q1", "!"}
	var b strings.Builder
	for n := r.IntN(120); n >= 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
		if r.IntN(2) == 0 {
			b.WriteByte(" .,\n"[r.IntN(4)])
		}
	}
	return b.String()
}

func TestCanonicalMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	for i := 0; i < 4000; i++ {
		s := canonicalText(r)
		prefix := []byte("x\nuser: ")
		got := string(appendCanonical(append([]byte(nil), prefix...), s))
		want := string(appendCanonicalPath(append([]byte(nil), prefix...), s, false))
		if got != want {
			t.Fatalf("appendCanonical(%q)\n got %q\nwant %q", s, got, want)
		}
	}
}
