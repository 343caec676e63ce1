// Package escape makes stored strings safe to print: every string the
// kaizen CLI renders from the store (model, agent, workflow and span names,
// trace and span ids, prompts quoted in findings, error texts) goes through
// Text for terminal output or Markdown for Markdown, so a hostile value
// cannot clear the screen, retitle the terminal, overwrite a line with \r,
// reorder text with bidi overrides, hide text, or break a Markdown table.
package escape

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with every character a terminal could act on replaced by a
// visible, strconv.Quote-style escape: C0 and C1 controls (ESC → \x1b,
// \r → \r, \n → \n, \t → \t, DEL → \x7f, U+0085 → \u0085), invalid UTF-8
// bytes (\xff), and every other non-graphic rune — bidi overrides and
// isolates (\u202e), zero-width and other format characters, line and
// paragraph separators, private-use and unassigned code points. Printable
// text, including spaces and all scripts, is unchanged, and so is the
// backslash (escapes are for people, not for parsing), which makes Text
// idempotent. It never panics.
func Text(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case safe(r):
			b.WriteString(s[i : i+size])
		default:
			writeEscape(&b, r)
		}
		i += size
	}
	return b.String()
}

// firstUnsafe returns the byte offset of the first rune Text must escape,
// or -1: the common, clean string is returned without allocating.
func firstUnsafe(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
		if !safe(r) {
			return i
		}
	}
	return -1
}

// safe reports whether r prints as itself: graphic runes (letters, marks,
// numbers, punctuation, symbols, spaces) except the format-like ones
// unicode lists as graphic.
func safe(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0x20 && r < 0x7f
	}
	return unicode.IsGraphic(r) && !unicode.Is(unicode.Cf, r)
}

func writeEscape(b *strings.Builder, r rune) {
	switch r {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		switch {
		case r < 0x80:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case r <= 0xffff:
			b.WriteString(`\u`)
			b.WriteString(pad(strconv.FormatInt(int64(r), 16), 4))
		default:
			b.WriteString(`\U`)
			b.WriteString(pad(strconv.FormatInt(int64(r), 16), 8))
		}
	}
}

func hex2(c byte) string { return pad(strconv.FormatInt(int64(c), 16), 2) }

func pad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

// markdownSpecial are the characters escaped with a backslash in Markdown
// text: the backslash itself (so stored text cannot escape our own
// delimiters), | (table cells), ` (code spans), emphasis, link and HTML
// delimiters. An underscore between two letters or digits is left alone:
// CommonMark never reads it as emphasis, and names like redundant_call stay
// readable.
const markdownSpecial = "\\|`*_~[]<>"

// Markdown returns s as Markdown text that renders as Text(s) would print:
// control characters escaped visibly, then every Markdown-breaking
// character backslash-escaped, so a value stays inside its table cell,
// list item or heading and cannot open code spans, links or HTML.
func Markdown(s string) string {
	t := Text(s)
	if !strings.ContainsAny(t, markdownSpecial) {
		return t
	}
	var b strings.Builder
	b.Grow(len(t) + 8)
	for i := 0; i < len(t); i++ {
		c := t[i]
		if strings.IndexByte(markdownSpecial, c) >= 0 && !(c == '_' && i > 0 && i+1 < len(t) && alnum(t[i-1]) && alnum(t[i+1])) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// MarkdownCode returns s as an inline code span when it is a plain token
// (letters, digits and . _ : / - only, as trace ids and model names are),
// else as Markdown(s): backslash escapes do not work inside code spans, so
// anything else must not be put in one.
func MarkdownCode(s string) string {
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !plain(r) }) >= 0 {
		return Markdown(s)
	}
	return "`" + s + "`"
}

func plain(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '_' || r == ':' || r == '/' || r == '-' || r == '@' || r == '+')
}
