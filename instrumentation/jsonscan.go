package instrumentation

import (
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// jdec is a small JSON reader, allocating only what it returns, used on the hot paths (OpenAI
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
	nums  []uint64 // memory for the *int64 and *float64 values (number8)
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
	return d.container('{', '}', func() {
		if d.peek() != '"' {
			d.fail = true
			return
		}
		key, esc := d.stringBytes()
		if esc || d.peek() != ':' {
			d.fail = true // escaped keys may match fields encoding/json would match
			return
		}
		d.pos++
		d.ws()
		member(key)
	})
}

// array reads an array, calling elem with the decoder positioned on each
// element; elem must consume it. It reports false when the value was null
// (consumed) or not an array (fail set).
func (d *jdec) array(elem func()) bool { return d.container('[', ']', elem) }

// container reads an object or an array delimited by open and close, calling
// item for each member or element.
func (d *jdec) container(open, close byte, item func()) bool {
	switch d.peek() {
	case open:
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
	if d.peek() == close {
		d.pos++
		d.depth--
		return true
	}
	for !d.fail {
		d.ws()
		if item(); d.fail {
			break
		}
		switch d.peek() {
		case ',':
			d.pos++
			continue
		case close:
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
	ascii := true
	for _, c := range key {
		ascii = ascii && c < utf8.RuneSelf
	}
	for _, f := range fields {
		// Only non-ASCII folds (the Kelvin sign, the long s) change lengths.
		if (!ascii || len(f) == len(key)) && strings.EqualFold(bytesString(key), f) {
			d.fail = true
			return
		}
	}
	d.skip()
}

// slice decodes an array into *dst as encoding/json does (null sets nil, []
// an empty non-nil slice), appending to items (nil, or reusable memory).
// A repeated key is left to encoding/json, which reuses the old elements.
func slice[T any](d *jdec, dst *[]T, items []T, elem func(*T)) {
	if *dst != nil {
		d.bail()
		return
	}
	items = items[:0]
	if !d.array(func() {
		var zero T
		items = append(items, zero)
		elem(&items[len(items)-1])
	}) {
		*dst = nil
		return
	}
	if items == nil {
		items = []T{}
	}
	*dst = items
}

// ptr prepares a pointer field for an object value: null sets it to nil and
// returns nil; otherwise the struct it points to is reused (encoding/json
// merges repeated keys into it) or allocated.
func ptr[T any](d *jdec, dst **T) *T {
	if d.null() {
		*dst = nil
		return nil
	}
	if *dst == nil {
		*dst = new(T)
	}
	return *dst
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
		p := (*int64)(d.number8())
		*p = v
		*dst = p
	}
}

// number8 returns eight bytes for a decoded number, from a block shared by
// the numbers of one decode (one allocation instead of one per number).
func (d *jdec) number8() unsafe.Pointer {
	if len(d.nums) == 0 {
		d.nums = make([]uint64, 8)
	}
	p := unsafe.Pointer(&d.nums[0])
	d.nums = d.nums[1:]
	return p
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
	p := (*float64)(d.number8())
	*p = v
	*dst = p
}
