package instrumentation

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// jdec is a small allocation-free JSON reader used on the hot paths (OpenAI
// requests, responses and stream chunks). It reads values straight into the
// same structs that encoding/json fills, with the same semantics, but it only
// handles the common case: whenever the input is invalid or anything could
// make encoding/json behave differently (a type mismatch, a key that matches
// a field only case-insensitively or through escapes, a repeated array key,
// very deep nesting), it sets fail and the caller decodes the body again with
// encoding/json, which then produces the result or the error. Every value,
// including skipped ones, is fully validated, so that a body accepted here is
// a body encoding/json accepts. FuzzFastDecode proves the equivalence.
//
// Strings are returned as views of the input when they need no unescaping:
// callers that keep them beyond the life of the input must clone them.
type jdec struct {
	data  []byte
	pos   int
	depth int
	fail  bool
	// scratch, when set, provides reusable memory for the decoded values,
	// which are then valid only until the next decode with the same scratch.
	scratch *decodeScratch
}

// decodeScratch is the reusable memory of a stream's chunk decoding.
type decodeScratch struct {
	choices []oaChoice
	msgs    []oaMessage
	used    int // msgs handed out by the current decode
}

// newMessage returns a zeroed message, from the scratch when there is one.
func (d *jdec) newMessage() *oaMessage {
	sc := d.scratch
	if sc == nil {
		return new(oaMessage)
	}
	if sc.used == len(sc.msgs) {
		sc.msgs = append(sc.msgs, oaMessage{})
		sc.msgs = sc.msgs[:cap(sc.msgs)]
	}
	m := &sc.msgs[sc.used]
	sc.used++
	*m = oaMessage{}
	return m
}

// maxFastDepth bounds nesting; deeper documents go to encoding/json.
const maxFastDepth = 512

func (d *jdec) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (d *jdec) peek() byte {
	if d.pos < len(d.data) && d.data[d.pos] > ' ' {
		return d.data[d.pos] // no space: the common case, inlined
	}
	d.ws()
	if d.pos >= len(d.data) {
		return 0
	}
	return d.data[d.pos]
}

func (d *jdec) bail() { d.fail = true }

// end checks that nothing but spaces follows the top-level value.
func (d *jdec) end() bool {
	d.ws()
	if d.pos != len(d.data) {
		d.fail = true
	}
	return !d.fail
}

// null consumes a null literal if one comes next.
func (d *jdec) null() bool {
	if d.peek() == 'n' {
		d.literal("null")
		return true
	}
	return false
}

func (d *jdec) literal(lit string) {
	if d.pos+len(lit) > len(d.data) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		d.fail = true
		return
	}
	d.pos += len(lit)
}

// object reads an object, calling member for each key with the decoder
// positioned on the value; member must consume the value. It reports false
// when the value was null (consumed) or not an object (fail set).
func (d *jdec) object(member func(key []byte)) bool {
	switch d.peek() {
	case '{':
	case 'n':
		d.literal("null")
		return false
	default:
		d.fail = true
		return false
	}
	if d.depth++; d.depth > maxFastDepth {
		d.fail = true
		return false
	}
	d.pos++
	if d.peek() == '}' {
		d.pos++
		d.depth--
		return true
	}
	for !d.fail {
		if d.peek() != '"' {
			d.fail = true
			break
		}
		key, esc := d.stringBytes()
		if esc || d.peek() != ':' {
			d.fail = true // escaped keys may match fields encoding/json would match
			break
		}
		d.pos++
		d.ws()
		member(key)
		switch d.peek() {
		case ',':
			d.pos++
			continue
		case '}':
			d.pos++
			d.depth--
			return true
		}
		d.fail = true
	}
	return false
}

// array reads an array, calling elem with the decoder positioned on each
// element; elem must consume it. It reports false when the value was null
// (consumed) or not an array (fail set).
func (d *jdec) array(elem func()) bool {
	switch d.peek() {
	case '[':
	case 'n':
		d.literal("null")
		return false
	default:
		d.fail = true
		return false
	}
	if d.depth++; d.depth > maxFastDepth {
		d.fail = true
		return false
	}
	d.pos++
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return true
	}
	for !d.fail {
		d.ws()
		elem()
		switch d.peek() {
		case ',':
			d.pos++
			continue
		case ']':
			d.pos++
			d.depth--
			return true
		}
		d.fail = true
	}
	return false
}

// unknown skips the value of a key that is not a field, unless the key would
// match one of fields case-insensitively in encoding/json.
func (d *jdec) unknown(key []byte, fields []string) {
	for _, f := range fields {
		if strings.EqualFold(bytesString(key), f) {
			d.fail = true
			return
		}
	}
	d.skip()
}

// skip validates and skips one value.
func (d *jdec) skip() {
	switch c := d.peek(); {
	case c == '{':
		d.object(func([]byte) { d.skip() })
	case c == '[':
		d.array(d.skip)
	case c == '"':
		d.stringBytes()
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	default:
		d.number()
	}
}

// raw returns the bytes of the next value, validated.
func (d *jdec) raw() []byte {
	d.ws()
	start := d.pos
	d.skip()
	if d.fail {
		return nil
	}
	return d.data[start:d.pos:d.pos]
}

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

// boolean reads a bool (null leaves *dst unchanged).
func (d *jdec) boolean(dst *bool) {
	switch d.peek() {
	case 't':
		d.literal("true")
		*dst = true
	case 'f':
		d.literal("false")
		*dst = false
	case 'n':
		d.literal("null")
	default:
		d.fail = true
	}
}

// number validates and returns a JSON number literal.
func (d *jdec) number() []byte {
	data, start := d.data, d.pos
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i)
	default:
		d.fail = true
		return nil
	}
	if i < len(data) && data[i] == '.' {
		if j := digits(data, i+1); j > i+1 {
			i = j
		} else {
			d.fail = true
			return nil
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if j := digits(data, i); j > i {
			i = j
		} else {
			d.fail = true
			return nil
		}
	}
	d.pos = i
	return data[start:i]
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// int64Val reads an integer the way encoding/json does for int kinds
// (strconv.ParseInt of the literal); other numbers and types fail.
func (d *jdec) int64Val() (int64, bool) {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.fail = true
		return 0, false
	}
	lit := d.number()
	if d.fail {
		return 0, false
	}
	v, err := strconv.ParseInt(bytesString(lit), 10, 64)
	if err != nil {
		d.fail = true
		return 0, false
	}
	return v, true
}

func (d *jdec) intVal(dst *int) {
	if d.null() {
		return
	}
	if v, ok := d.int64Val(); ok {
		*dst = int(v)
	}
}

func (d *jdec) int64Ptr(dst **int64) {
	if d.null() {
		*dst = nil
		return
	}
	if v, ok := d.int64Val(); ok {
		*dst = &v
	}
}

func (d *jdec) float64Ptr(dst **float64) {
	if d.null() {
		*dst = nil
		return
	}
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.fail = true
		return
	}
	lit := d.number()
	if d.fail {
		return
	}
	v, err := strconv.ParseFloat(bytesString(lit), 64)
	if err != nil {
		d.fail = true
		return
	}
	*dst = &v
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
