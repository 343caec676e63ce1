package genai

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds JSON nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

var (
	errSyntax = errors.New("invalid JSON")
	errDepth  = errors.New("JSON nested too deeply")
)

// scanner is an allocation-light JSON reader for message values: it decodes
// strings as substrings of the input where they have no escapes, and keeps
// other values as their raw text. It exists because encoding/json, which
// validates and then decodes byte by byte, misses the processor's
// throughput target (see this package's README, "Measured").
type scanner struct {
	s     string
	i     int
	depth int
	// badUTF8 records a string with invalid UTF-8, kept as given.
	badUTF8 bool
}

func (p *scanner) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *scanner) peek() byte {
	p.ws()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *scanner) expect(c byte) error {
	if p.peek() != c {
		return errSyntax
	}
	p.i++
	return nil
}

// str reads a JSON string at the cursor and returns it unescaped. The
// common case (no escapes) finds the closing quote with IndexByte and
// returns a substring without copying.
func (p *scanner) str() (string, error) {
	if p.peek() != '"' {
		return "", errSyntax
	}
	p.i++
	start := p.i
	q := strings.IndexByte(p.s[start:], '"')
	if q < 0 {
		return "", errSyntax
	}
	v := p.s[start : start+q]
	e := strings.IndexByte(v, '\\')
	if e >= 0 {
		v = v[:e]
	}
	switch ctrl, valid := checkString(v); {
	case ctrl:
		return "", errSyntax
	case !valid:
		p.badUTF8 = true
	}
	if e >= 0 {
		p.i = start + e
		return p.strSlow(start)
	}
	p.i = start + q + 1
	return v, nil
}

// checkString reports whether s has a byte below 0x20 (not allowed
// unescaped in a JSON string) and whether it is valid UTF-8, in one pass
// over plain ASCII text.
func checkString(s string) (ctrl, valid bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c-0x20 >= 0x60 { // a control byte or not ASCII
			if c < 0x20 {
				return true, false
			}
			rest := s[i:]
			return strings.IndexFunc(rest, func(r rune) bool { return r < 0x20 }) >= 0, utf8.ValidString(rest)
		}
	}
	return false, true
}

func (p *scanner) strSlow(start int) (string, error) {
	var b strings.Builder
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.ValidString(b.String()) {
				p.badUTF8 = true
			}
			return b.String(), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", errSyntax
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", errSyntax
			}
			if utf16.IsSurrogate(r) {
				// A surrogate pair is one rune; a lone surrogate reads as
				// U+FFFD and the escape after it is read on its own, as
				// encoding/json does.
				hi := r
				r = utf8.RuneError
				if strings.HasPrefix(p.s[p.i:], `\u`) {
					save := p.i
					p.i += 2
					if lo, ok := p.hex4(); ok && utf16.DecodeRune(hi, lo) != utf8.RuneError {
						r = utf16.DecodeRune(hi, lo)
					} else {
						p.i = save
					}
				}
			}
			b.WriteRune(r)
		default:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

func (p *scanner) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

// skip skips any JSON value and returns its raw text.
func (p *scanner) skip() (string, error) {
	p.ws()
	start := p.i
	switch p.peek() {
	case '"':
		if _, err := p.str(); err != nil {
			return "", err
		}
	case '{', '[':
		if err := p.container(func(string) error { _, err := p.skip(); return err }); err != nil {
			return "", err
		}
	case 0:
		return "", errSyntax
	default:
		for p.i < len(p.s) && strings.IndexByte(",]} \t\r\n", p.s[p.i]) < 0 {
			p.i++
		}
		// Literals and numbers are short; encoding/json checks them.
		if p.i == start || !json.Valid([]byte(p.s[start:p.i])) {
			return "", errSyntax
		}
	}
	return p.s[start:p.i], nil
}

// container iterates an object or array at the cursor, calling elem for
// each member with the member's key (empty for array elements) and the
// cursor on the member's value; elem must consume the value.
func (p *scanner) container(elem func(key string) error) error {
	open := p.peek()
	closing := byte(']')
	if open == '{' {
		closing = '}'
	} else if open != '[' {
		return errSyntax
	}
	if p.depth++; p.depth > maxDepth {
		return errDepth
	}
	defer func() { p.depth-- }()
	p.i++
	if p.peek() == closing {
		p.i++
		return nil
	}
	for {
		key := ""
		if closing == '}' {
			k, err := p.str()
			if err != nil {
				return err
			}
			if err := p.expect(':'); err != nil {
				return err
			}
			key = k
		}
		if err := elem(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case closing:
			p.i++
			return nil
		default:
			return errSyntax
		}
	}
}
