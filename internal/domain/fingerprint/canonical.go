package fingerprint

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace volatile tokens in canonical text.
const (
	PlaceholderUUID = "<uuid>"
	PlaceholderTime = "<ts>"
	PlaceholderHex  = "<hex>"
	PlaceholderNum  = "<num>"
	PlaceholderID   = "<id>"
)

// Thresholds of the volatile-token rules (see Canonical).
const (
	minNumDigits = 5  // digit runs at least this long are ids
	minHexLen    = 8  // hex runs (with a digit and a letter) at least this long
	minIDLen     = 16 // mixed alphanumeric runs at least this long with >=2 digits
)

// Canonical returns the normalized form of a prompt text used by the
// fingerprints. Normalization, applied in one left-to-right pass:
//
//  1. Invalid UTF-8 bytes become U+FFFD.
//  2. Letters are lower-cased (Unicode simple case folding via ToLower).
//  3. Runs of Unicode white space become a single ASCII space; leading and
//     trailing space is removed.
//  4. Volatile tokens, recognized at the start of an ASCII alphanumeric run,
//     are replaced by placeholders:
//     UUIDs (8-4-4-4-12 hex) → "<uuid>";
//     ISO-8601 dates and timestamps (2024-05-01, 2024-05-01T10:20:30.5Z,
//     with offset) and clock times (10:20, 10:20:30) → "<ts>";
//     runs of ≥5 digits → "<num>";
//     hex runs of ≥8 characters with at least one digit and one letter → "<hex>";
//     alphanumeric runs of ≥16 characters with at least 2 digits and 2 letters
//     (random ids, tokens) → "<id>".
//
// Punctuation is kept. The output is deterministic and stable across
// processes and versions (golden tests pin it).
func Canonical(text string) string {
	return string(appendCanonical(make([]byte, 0, len(text)+1), text))
}

// appendCanonical appends the canonical form of text (see Canonical) to
// dst. Space handling is relative to the appended part, so several texts
// can be canonicalized into one buffer.
func appendCanonical(dst []byte, text string) []byte { return appendCanonicalPath(dst, text, true) }

// appendCanonicalPath is appendCanonical; plain selects the eight-byte fast
// path (appendPlain), which the processor's 100k GenAI spans per CPU-second
// target (issue 4) needs. Tests turn it off to check the fast path against
// the byte-wise one, which alone defines the canonical form.
func appendCanonicalPath(dst []byte, text string, plain bool) []byte {
	start := len(dst)
	space := false // a space is pending
	prevAlnum := false
	for i := 0; i < len(text); {
		if plain && i+8 <= len(text) {
			var n int
			dst, n = appendPlain(dst, text[i:], space, len(dst) == start)
			if n > 0 {
				i += n
				// The copied bytes end at a separator; a final space stays pending.
				if space, prevAlnum = dst[len(dst)-1] == ' ', false; space {
					dst = dst[:len(dst)-1]
				}
				continue
			}
		}
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case isSpaceASCII(c):
				space, prevAlnum = len(dst) > start, false
				i++
				continue
			case isAlnum(c) && !prevAlnum:
				if space {
					dst, space = append(dst, ' '), false
				}
				n, ph, upper := volatileAt(text[i:])
				switch {
				case ph != "":
					dst = append(dst, ph...)
				case upper:
					for k := i; k < i+n; k++ {
						dst = append(dst, lowerASCII(text[k]))
					}
				default:
					dst = append(dst, text[i:i+n]...)
				}
				i += n
				prevAlnum = true
				continue
			}
			if space {
				dst, space = append(dst, ' '), false
			}
			dst = append(dst, lowerASCII(c))
			prevAlnum = isAlnum(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if unicode.IsSpace(r) {
			space, prevAlnum = len(dst) > start, false
			continue
		}
		if space {
			dst, space = append(dst, ' '), false
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r)) // RuneError for invalid bytes
		prevAlnum = false
	}
	return dst
}

// SWAR constants: one in every byte, the high bit of every byte.
const (
	ones8  = 0x0101010101010101
	highs8 = 0x8080808080808080
)

// appendPlain is the fast path of appendCanonical, eight bytes at a time:
// it appends the longest prefix of text whose canonical form is its
// lower-cased copy and that ends at a separator, and returns its length
// (0: take the byte-wise path). space is the pending space of
// appendCanonical (emitted before the copy), empty whether nothing was
// appended yet. Those are bytes before the first non-ASCII byte, control
// character (including tab and newline), digit, '-', second of two spaces
// or leading space, cut after the last byte that is not a letter. Whole
// letter runs are then copied: a run without digits is never a volatile
// token except a UUID, which needs a '-'; and every run ends inside the
// copied bytes, so the next one starts at a run boundary as the byte-wise
// path expects. Runs of spaces are single, so white space needs no
// collapsing.
func appendPlain(dst []byte, text string, space, empty bool) ([]byte, int) {
	// Room for every whole chunk and the pending space, so the loop writes
	// through a pointer without capacity checks.
	dst = slices.Grow(dst, len(text)+1)
	base := len(dst)
	if space {
		dst = append(dst, ' ')
	}
	from := len(dst)
	lead := uint64(0) // 0x80: a space in the next byte would be a second or leading one
	if space || empty {
		lead = 0x80
	}
	out := dst[from : from+len(text)]
	copied := 0
	for j := 0; j+8 <= len(text); j += 8 {
		x := load64(text, j)
		// Per-byte flags in the high bit of each byte: x + (0x80-c) has it
		// set when the byte is >= c. A carry out of a byte can only happen
		// above a non-ASCII byte, whose own flag already ends the valid
		// prefix.
		folded := x | 0x20*ones8 // letters folded to lower case
		letters := (folded + (0x80-'a')*ones8) &^ (folded + (0x80-'z'-1)*ones8)
		digits := (x + (0x80-'0')*ones8) &^ (x + (0x80-'9'-1)*ones8)
		spaces := ^((x ^ ' '*ones8) + 0x7f*ones8)
		dashes := ^((x ^ '-'*ones8) + 0x7f*ones8)
		control := ^(x + (0x80-0x20)*ones8)
		bad := (x | digits | dashes | control | spaces&(spaces<<8|lead)) & highs8
		sep := ^letters & highs8 & (bad - 1) &^ bad // separators before the first bad byte
		binary.LittleEndian.PutUint64(out[j:j+8], x|(letters&highs8)>>2)
		if sep != 0 {
			copied = j + bits.Len64(sep)/8
		}
		if bad != 0 {
			break
		}
		lead = spaces >> 56 & 0x80
	}
	if copied == 0 {
		return dst[:base], 0
	}
	return dst[:from+copied], copied
}

// load64 reads the eight bytes of s at i as a little-endian word (the
// compiler merges the byte loads into one).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isSpaceASCII(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func isAlnum(c byte) bool { return isDigit(c) || isLetter(c) }

func isHex(c byte) bool { return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') }

// volatileAt classifies the alphanumeric token starting s. It returns the
// number of bytes consumed, the placeholder or "" to keep the run, and
// whether the run has upper-case letters.
func volatileAt(s string) (n int, placeholder string, upper bool) {
	digits, hex := 0, true
	for ; n < len(s); n++ {
		c := s[n]
		if isDigit(c) {
			digits++
			continue
		}
		if !isLetter(c) {
			break
		}
		hex = hex && isHex(c)
		upper = upper || c < 'a'
	}
	letters := n - digits
	if n < len(s) {
		switch {
		case n == 8 && hex && s[n] == '-':
			if m := matchUUID(s); m > 0 {
				return m, PlaceholderUUID, false
			}
		case letters == 0 && (s[n] == '-' || s[n] == ':') && n <= 4:
			if m := matchTimestamp(s); m > 0 {
				return m, PlaceholderTime, false
			}
		}
	}
	switch {
	case letters == 0 && digits >= minNumDigits:
		return n, PlaceholderNum, false
	case hex && n >= minHexLen && digits > 0 && letters > 0:
		return n, PlaceholderHex, false
	case n >= minIDLen && digits >= 2 && letters >= 2:
		return n, PlaceholderID, false
	}
	return n, "", upper
}

// matchUUID returns 36 if s starts with a UUID not followed by an alphanumeric.
func matchUUID(s string) int {
	if len(s) < 36 {
		return 0
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return 0
			}
		default:
			if !isHex(s[i]) {
				return 0
			}
		}
	}
	if len(s) > 36 && isAlnum(s[36]) {
		return 0
	}
	return 36
}

// digitsAt returns whether s[i:i+n] are all digits.
func digitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

// matchTimestamp matches YYYY-MM-DD[(T| )hh:mm[:ss[.frac]][Z|±hh[:]mm]] or a
// clock time h:mm[:ss[.frac]] at the start of s, not followed by an
// alphanumeric.
func matchTimestamp(s string) int {
	n := 0
	if digitsAt(s, 0, 4) && len(s) >= 10 && s[4] == '-' && digitsAt(s, 5, 2) && s[7] == '-' && digitsAt(s, 8, 2) {
		n = 10
		if len(s) > n+1 && (s[n] == 'T' || s[n] == 't' || s[n] == ' ') {
			if m := matchClock(s[n+1:]); m > 0 {
				n += 1 + m
				n += matchZone(s[n:])
			}
		}
	} else if m := matchClock(s); m > 0 {
		n = m
	}
	if n == 0 || (n < len(s) && isAlnum(s[n])) {
		return 0
	}
	return n
}

func matchClock(s string) int {
	h := 0
	for h < 2 && h < len(s) && isDigit(s[h]) {
		h++
	}
	if h == 0 || len(s) < h+3 || s[h] != ':' || !digitsAt(s, h+1, 2) {
		return 0
	}
	n := h + 3
	if len(s) >= n+3 && s[n] == ':' && digitsAt(s, n+1, 2) {
		n += 3
		if len(s) > n+1 && s[n] == '.' && isDigit(s[n+1]) {
			n++
			for n < len(s) && isDigit(s[n]) {
				n++
			}
		}
	}
	return n
}

func matchZone(s string) int {
	if len(s) > 0 && (s[0] == 'Z' || s[0] == 'z') {
		return 1
	}
	if len(s) >= 3 && (s[0] == '+' || s[0] == '-') && digitsAt(s, 1, 2) {
		switch {
		case len(s) >= 6 && s[3] == ':' && digitsAt(s, 4, 2):
			return 6
		case digitsAt(s, 3, 2):
			return 5
		}
		return 3
	}
	return 0
}
