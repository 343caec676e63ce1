package kaizenprocessor

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"regexp"
	"slices"
	"strings"
	"unsafe"
)

// Redaction presets.
const (
	presetEmail  = "email"
	presetPhone  = "phone"
	presetCard   = "card"
	presetAPIKey = "api_key"
)

// redactor replaces secrets and personal data in strings. Presets are
// hand-written scanners (a pass over the bytes behind cheap prefilters, no
// regexp); custom rules use RE2.
type redactor struct {
	email, card, phone, apiKey bool
	custom                     []customRule
}

type customRule struct {
	name string
	re   *regexp.Regexp
	repl string
}

// match is a half-open byte range to replace.
type match struct {
	start, end int
	rule       string
}

// addPreset enables a preset by name; it reports false for an unknown name.
func (r *redactor) addPreset(p string) bool {
	switch p {
	case presetEmail:
		r.email = true
	case presetPhone:
		r.phone = true
	case presetCard:
		r.card = true
	case presetAPIKey:
		r.apiKey = true
	default:
		return false
	}
	return true
}

// enabled reports whether any rule is configured.
func (r *redactor) enabled() bool {
	return r.email || r.card || r.phone || r.apiKey || len(r.custom) > 0
}

// minNumberDigits is the fewest digits a phone or card number has.
const minNumberDigits = 10

// redact returns s with every match replaced by "[REDACTED:<rule>]" and
// calls count once per replacement. s is returned unchanged (no allocation)
// when nothing matches. With presets false only the custom rules run (for
// values that cannot hold a preset's secret, see skipPresets).
func (r *redactor) redact(s string, presets bool, count func(rule string)) string {
	if presets {
		var buf [8]match
		ms := buf[:0]
		if r.email {
			ms = findEmails(s, ms)
		}
		if r.apiKey {
			ms = findKeys(s, ms)
		}
		if (r.card || r.phone) && countDigits(s) >= minNumberDigits {
			ms = findNumbers(s, ms, r.card, r.phone)
		}
		if len(ms) > 0 {
			s = replaceMatches(s, ms, count)
		}
	}
	for _, c := range r.custom {
		if !c.re.MatchString(s) {
			continue
		}
		s = c.re.ReplaceAllStringFunc(s, func(string) string {
			count(c.name)
			return c.repl
		})
	}
	return s
}

// replaceMatches replaces the matches, earliest first. Overlapping matches
// (of different rules) are merged and replaced once, labeled with the rule
// of the earliest (on the same start, the longest, then the first rule
// name): every byte any rule matched is removed.
func replaceMatches(s string, ms []match, count func(string)) string {
	slices.SortFunc(ms, func(a, b match) int {
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		if a.end != b.end {
			return cmp.Compare(b.end, a.end)
		}
		return cmp.Compare(a.rule, b.rule)
	})
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for k := 0; k < len(ms); {
		m := ms[k]
		for k++; k < len(ms) && ms[k].start < m.end; k++ {
			m.end = max(m.end, ms[k].end)
		}
		b.WriteString(s[last:m.start])
		b.WriteString("[REDACTED:")
		b.WriteString(m.rule)
		b.WriteByte(']')
		count(m.rule)
		last = m.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// countDigits counts the ASCII digits of s, eight bytes per step.
func countDigits(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	p := unsafe.Pointer(unsafe.StringData(s))
	// digits flags the digits of the eight bytes at i in their high bits: a
	// byte is a digit iff, xor '0', it is below 10: its high bit is clear
	// and adding 0x76 to its low seven bits does not reach 0x80.
	digits := func(i int) uint64 {
		x := binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(p, i)), 8)) ^ (0x30 * ones)
		return ^(((x &^ highs) + 0x76*ones) | x) & highs
	}
	n, i := 0, 0
	for ; i+32 <= len(s); i += 32 { // four flag words in distinct bits, one popcount
		n += bits.OnesCount64(digits(i) | digits(i+8)>>1 | digits(i+16)>>2 | digits(i+24)>>3)
	}
	for ; i+8 <= len(s); i += 8 {
		n += bits.OnesCount64(digits(i))
	}
	for ; i < len(s); i++ {
		if isDigitByte(s[i]) {
			n++
		}
	}
	return n
}

func isAlnumByte(c byte) bool {
	return (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// findEmails finds local@domain.tld.
func findEmails(s string, ms []match) []match {
	for off := 0; ; {
		k := strings.IndexByte(s[off:], '@')
		if k < 0 {
			return ms
		}
		at := off + k
		off = at + 1
		start := at
		for start > 0 && isEmailLocal(s[start-1]) {
			start--
		}
		end, lastDot := at+1, -1
		for end < len(s) && (isAlnumByte(s[end]) || s[end] == '-' || s[end] == '.') {
			if s[end] == '.' {
				lastDot = end
			}
			end++
		}
		for end > at+1 && s[end-1] == '.' {
			end--
			if lastDot == end {
				lastDot = strings.LastIndexByte(s[at+1:end], '.')
				if lastDot >= 0 {
					lastDot += at + 1
				}
			}
		}
		if start == at || lastDot <= at+1 || end-lastDot-1 < 2 {
			continue
		}
		ms = append(ms, match{start, end, presetEmail})
		off = end
	}
}

func isEmailLocal(c byte) bool {
	return isAlnumByte(c) || strings.IndexByte("._%+-", c) >= 0
}

// findNumbers finds card numbers (13-19 digits, Luhn-valid, separated by
// spaces or dashes) when card is set, and phone numbers (10-15 digits
// starting with '+' or written with at least two separators among space,
// dash, parentheses; never a Luhn-valid card-shaped number) when phone is
// set, in one pass.
func findNumbers(s string, ms []match, card, phone bool) []match {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigitByte(c) || ((c == '+' || c == '(') && i+1 < len(s) && isDigitByte(s[i+1]))) {
			continue
		}
		if i > 0 && (isAlnumByte(s[i-1]) || s[i-1] == '.' || s[i-1] == '_') {
			for i < len(s) && isAlnumByte(s[i]) {
				i++
			}
			continue
		}
		start, end, digits, seps, cardSeps := i, i, 0, 0, true
		var buf [19]byte
		j := i
		if c == '+' || c == '(' {
			j++
			seps++
			cardSeps = false
		}
		for j < len(s) {
			d := s[j]
			if isDigitByte(d) {
				if digits < len(buf) {
					buf[digits] = d
				}
				digits++
				j++
				end = j
				continue
			}
			if (d == ' ' || d == '-' || d == '(' || d == ')') && j+1 < len(s) && (isDigitByte(s[j+1]) || s[j+1] == '(' || (d == ')' && s[j+1] == ' ')) {
				seps++
				if d != ' ' && d != '-' {
					cardSeps = false
				}
				j++
				continue
			}
			break
		}
		i = end
		if end < len(s) && (isAlnumByte(s[end]) || s[end] == '_') {
			continue
		}
		switch {
		case card && cardSeps && digits >= 13 && digits <= 19 && luhn(buf[:digits]):
			ms = append(ms, match{start, end, presetCard})
		case phone && digits >= 10 && digits <= 15 && (c == '+' || seps >= 2) && !(cardSeps && digits >= 13 && luhn(buf[:min(digits, 19)])):
			ms = append(ms, match{start, end, presetPhone})
		}
	}
	return ms
}

// luhn reports whether the digits pass the Luhn checksum.
func luhn(d []byte) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}
