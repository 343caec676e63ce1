package instrumentation

import (
	"bytes"
	"encoding/binary"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// JSON strings for jdec: scanning, views and unescaping.

// strSafe marks the bytes that need no attention inside a string.
var strSafe = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// specialFinder finds, from a position on, the next byte of a string that
// is not strSafe (a quote, a backslash, a control character or a non-ASCII
// byte). Quotes and backslashes are found with bytes.IndexByte (vectorized)
// and their positions remembered, so a whole string costs one pass whatever
// its number of escapes; the rest is checked eight bytes at a time.
type specialFinder struct{ quote, bslash int }

func newSpecialFinder() specialFinder { return specialFinder{-1, -1} }

func (f *specialFinder) next(s []byte, i int) int {
	if f.quote < i {
		f.quote = len(s)
		if j := bytes.IndexByte(s[i:], '"'); j >= 0 {
			f.quote = i + j
		}
	}
	if f.bslash < i {
		f.bslash = f.quote
		if j := bytes.IndexByte(s[i:f.quote], '\\'); j >= 0 {
			f.bslash = i + j
		}
	}
	stop := f.bslash // never after quote
	// A byte below 0x20 borrows into its high bit; a non-ASCII byte has it.
	const k, highs = 0x0101010101010101 * 0x20, 0x8080808080808080
	b := s[i:stop]
	for len(b) >= 32 {
		x0 := binary.LittleEndian.Uint64(b)
		x1 := binary.LittleEndian.Uint64(b[8:])
		x2 := binary.LittleEndian.Uint64(b[16:])
		x3 := binary.LittleEndian.Uint64(b[24:])
		if ((x0-k)|x0|(x1-k)|x1|(x2-k)|x2|(x3-k)|x3)&highs != 0 {
			break
		}
		b = b[32:]
	}
	for len(b) >= 8 {
		if x := binary.LittleEndian.Uint64(b); ((x-k)|x)&highs != 0 {
			break
		}
		b = b[8:]
	}
	for len(b) > 0 && strSafe[b[0]] {
		b = b[1:]
	}
	return stop - len(b)
}

// stringView returns the bytes of s without copying; they must not be
// modified.
func stringView(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringBytes reads a string and returns its raw contents (between the
// quotes) and whether they need unescaping or UTF-8 coercion.
func (d *jdec) stringBytes() (s []byte, special bool) {
	if d.peek() != '"' {
		d.fail = true
		return nil, false
	}
	d.pos++
	start, data := d.pos, d.data
	i := d.pos
	// Short strings (keys, ids, roles) take a plain loop.
	for end := min(len(data), i+24); i < end && strSafe[data[i]]; i++ {
	}
	if i < len(data) && data[i] == '"' {
		d.pos = i + 1
		return data[start:i:i], false
	}
	f := newSpecialFinder()
	for {
		i = f.next(data, i)
		if i >= len(data) {
			d.fail = true
			return nil, false
		}
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return data[start:i:i], special
		case c == '\\':
			special = true
			i++
			if i >= len(data) {
				d.fail = true
				return nil, false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+5 > len(data) || getHex4(data[i+1:i+5]) < 0 {
					d.fail = true
					return nil, false
				}
				i += 5
			default:
				d.fail = true
				return nil, false
			}
		case c < 0x20:
			d.fail = true
			return nil, false
		default: // non-ASCII: valid UTF-8 needs no work
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				special = true
			}
			i += size
		}
	}
}

// str reads a string value (or null, which leaves *dst unchanged, as
// encoding/json does).
func (d *jdec) str(dst *string) {
	if d.null() {
		return
	}
	s, special := d.stringBytes()
	if d.fail {
		return
	}
	if !special {
		*dst = bytesString(s)
		return
	}
	*dst = bytesString(unescape(s))
}

// bytesString returns b as a string without copying; b must never be
// modified afterwards.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// strPtr reads a string into a pointer field (null sets it to nil).
func (d *jdec) strPtr(dst **string) {
	if d.null() {
		*dst = nil
		return
	}
	var s string
	d.str(&s)
	*dst = &s
}

func getHex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unescape decodes the contents of a validated JSON string with the rules of
// encoding/json: escapes are resolved, invalid UTF-8 and unpaired surrogates
// become U+FFFD.
func unescape(s []byte) []byte {
	b := make([]byte, 0, len(s)+utf8.UTFMax)
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			switch e := s[r+1]; e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getHex4(s[r+2 : r+6])
				r += 6
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, getHex4(s[r+2:r+6])); dec != unicode.ReplacementChar {
							b = utf8.AppendRune(b, dec)
							r += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // '"', '\\', '/'
				b = append(b, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return b
}
