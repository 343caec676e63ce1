package kaizenprocessor

import "strings"

// countDigits counts the ASCII digits of s: the card and phone scanners
// run only on values with enough of them.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
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
