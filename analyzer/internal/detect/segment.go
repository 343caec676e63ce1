package detect

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Kinds of segments (Segment.Kind).
const (
	KindParagraph = "paragraph"
	KindSection   = "section" // a heading and what follows it, or BEGIN/END-delimited text
	KindTagged    = "tagged"  // <document>…</document> and other XML-style wrappers
	KindCode      = "code"    // a fenced code block
	KindTable     = "table"   // a Markdown/pipe table
	KindCSV       = "csv"     // comma- or tab-separated rows
	KindJSON      = "json"    // a JSON object or array
	KindQuote     = "quote"   // "> " lines or a triple-quoted document
	KindTool      = "tool result"
)

// Segment is one block of a message part: Text[Start:End] of the part.
type Segment struct {
	Kind       string
	Start, End int
}

// Segments splits a message part into blocks a reader would tell apart:
// fenced code, XML-style tagged documents, triple-quoted and "> "-quoted
// documents, JSON values, pipe tables and CSV/TSV runs, BEGIN/END-delimited
// and heading-led sections, and otherwise paragraphs (separated by blank
// lines or horizontal rules). Segments are in order, do not overlap, and
// together cover every non-space byte of text; separators (blank lines,
// rules) belong to no segment.
func Segments(text string) []Segment {
	ls := splitLines(text)
	var units []Segment
	heads := map[int]int{}  // unit index → heading level
	ruled := map[int]bool{} // unit index → a horizontal rule precedes it
	for i := 0; i < len(ls); {
		l := ls[i]
		t := strings.TrimSpace(text[l.start:l.end])
		if t == "" || isRule(t) {
			if t != "" {
				ruled[len(units)] = true
			}
			i++
			continue
		}
		if end, kind, ok := delimited(text, ls, i, t); ok {
			units = append(units, Segment{kind, ls[i].start, ls[end].end})
			i = end + 1
			continue
		}
		if lvl := headingLevel(t); lvl > 0 {
			heads[len(units)] = lvl
			units = append(units, Segment{KindSection, l.start, l.end})
			i++
			continue
		}
		if end, kind, ok := rows(text, ls, i); ok {
			units = append(units, Segment{kind, ls[i].start, ls[end].end})
			i = end + 1
			continue
		}
		// A paragraph: up to a blank line, a rule or the start of another unit.
		j := i
		for j+1 < len(ls) {
			n := strings.TrimSpace(text[ls[j+1].start:ls[j+1].end])
			if n == "" || isRule(n) || headingLevel(n) > 0 || startsDelimited(n) {
				break
			}
			if _, _, ok := rows(text, ls, j+1); ok {
				break
			}
			j++
		}
		units = append(units, Segment{KindParagraph, ls[i].start, ls[j].end})
		i = j + 1
	}
	// A heading takes the units after it up to the next heading of the same
	// or a higher level or a horizontal rule: one section.
	out := make([]Segment, 0, len(units))
	for k := 0; k < len(units); k++ {
		lvl, ok := heads[k]
		if !ok {
			out = append(out, trimSeg(text, units[k]))
			continue
		}
		end := k
		for end+1 < len(units) {
			if l, h := heads[end+1]; h && l <= lvl || ruled[end+1] {
				break
			}
			end++
		}
		out = append(out, trimSeg(text, Segment{KindSection, units[k].Start, units[end].End}))
		k = end
	}
	return out
}

type line struct{ start, end int } // end excludes the newline

func splitLines(text string) []line {
	var out []line
	for start := 0; start <= len(text); {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			if start < len(text) {
				out = append(out, line{start, len(text)})
			}
			break
		}
		out = append(out, line{start, start + i})
		start += i + 1
	}
	return out
}

// trimSeg drops leading and trailing white space from a segment.
func trimSeg(text string, s Segment) Segment {
	for s.Start < s.End && isSpace(text[s.Start]) {
		s.Start++
	}
	for s.End > s.Start && isSpace(text[s.End-1]) {
		s.End--
	}
	return s
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// isRule reports a horizontal rule: three or more of one of - * _ = only.
func isRule(t string) bool {
	if len(t) < 3 {
		return false
	}
	c := t[0]
	if c != '-' && c != '*' && c != '_' && c != '=' {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != c && t[i] != ' ' {
			return false
		}
	}
	return true
}

// headingLevel returns the level of a Markdown ATX heading line (0: none).
func headingLevel(t string) int {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(t) || t[n] != ' ' {
		return 0
	}
	return n
}

func startsDelimited(t string) bool {
	return strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || strings.HasPrefix(t, `"""`) ||
		strings.HasPrefix(t, ">") || tagName(t) != "" || beginMarker(t) || (len(t) > 0 && (t[0] == '{' || t[0] == '['))
}

// delimited recognizes a unit that starts at line i with an opening
// delimiter and returns its last line.
func delimited(text string, ls []line, i int, t string) (int, string, bool) {
	switch {
	case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
		fence := t[:3]
		for j := i + 1; j < len(ls); j++ {
			if strings.HasPrefix(strings.TrimSpace(text[ls[j].start:ls[j].end]), fence) {
				return j, KindCode, true
			}
		}
		return len(ls) - 1, KindCode, true // unclosed: to the end
	case strings.HasPrefix(t, `"""`):
		if strings.Count(t, `"""`) >= 2 {
			return i, KindQuote, true
		}
		for j := i + 1; j < len(ls); j++ {
			if strings.Contains(text[ls[j].start:ls[j].end], `"""`) {
				return j, KindQuote, true
			}
		}
		return 0, "", false
	case strings.HasPrefix(t, ">"):
		j := i
		for j+1 < len(ls) && strings.HasPrefix(strings.TrimSpace(text[ls[j+1].start:ls[j+1].end]), ">") {
			j++
		}
		return j, KindQuote, true
	case beginMarker(t):
		for j := i + 1; j < len(ls); j++ {
			if endMarker(strings.TrimSpace(text[ls[j].start:ls[j].end])) {
				return j, KindSection, true
			}
		}
		return 0, "", false
	case t[0] == '{' || t[0] == '[':
		return jsonEnd(text, ls, i)
	}
	if name := tagName(t); name != "" {
		closing := "</" + name
		for j := i; j < len(ls); j++ {
			lt := text[ls[j].start:ls[j].end]
			if j == i {
				lt = lt[strings.IndexByte(lt, '>')+1:]
			}
			if strings.Contains(strings.ToLower(lt), closing) {
				return j, KindTagged, true
			}
		}
	}
	return 0, "", false
}

// tagName returns the lower-case name of an XML-style opening tag that
// starts t ("" when t does not start with one).
func tagName(t string) string {
	if len(t) < 3 || t[0] != '<' {
		return ""
	}
	n := 1
	for n < len(t) && (t[n] >= 'a' && t[n] <= 'z' || t[n] >= 'A' && t[n] <= 'Z' || n > 1 && (t[n] >= '0' && t[n] <= '9' || t[n] == '_' || t[n] == '-' || t[n] == '.')) {
		n++
	}
	if n == 1 || n >= len(t) || (t[n] != '>' && t[n] != ' ') {
		return ""
	}
	gt := strings.IndexByte(t, '>')
	if gt < 0 || t[gt-1] == '/' {
		return ""
	}
	return strings.ToLower(t[1:n])
}

func beginMarker(t string) bool { return marker(t, "begin") }
func endMarker(t string) bool   { return marker(t, "end") }

// marker recognizes "=== BEGIN DOCUMENT ===", "-----BEGIN …", "[BEGIN …]".
func marker(t, word string) bool {
	i := 0
	for i < len(t) && strings.IndexByte("-=#*[( ", t[i]) >= 0 {
		i++
	}
	if i == 0 || len(t)-i < len(word) || !strings.EqualFold(t[i:i+len(word)], word) {
		return false
	}
	rest := t[i+len(word):]
	return rest == "" || rest[0] == ' ' || rest[0] == '-' || rest[0] == '=' || rest[0] == ':' || rest[0] == ']'
}

// jsonEnd returns the line where a JSON object or array starting at line
// i ends, when it is valid JSON followed on that line by at most a comma.
func jsonEnd(text string, ls []line, i int) (int, string, bool) {
	start := ls[i].start
	for start < len(text) && isSpace(text[start]) {
		start++
	}
	dec := json.NewDecoder(strings.NewReader(text[start:]))
	var v json.RawMessage
	if dec.Decode(&v) != nil {
		return 0, "", false
	}
	end := start + int(dec.InputOffset())
	if tail := bytes.TrimSpace([]byte(text[end:lineEnd(text, end)])); len(tail) > 1 || len(tail) == 1 && tail[0] != ',' {
		return 0, "", false
	}
	if len(v) < 2 || (v[0] == '[' && !bytes.ContainsAny(v, "{\"\n")) {
		return 0, "", false // "[1]" citation markers are not data
	}
	for j := i; j < len(ls); j++ {
		if ls[j].end >= end {
			return j, KindJSON, true
		}
	}
	return len(ls) - 1, KindJSON, true
}

func lineEnd(text string, at int) int {
	if i := strings.IndexByte(text[at:], '\n'); i >= 0 {
		return at + i
	}
	return len(text)
}

// rows recognizes a table (≥ 2 consecutive lines with ≥ 2 pipes each) or
// a CSV/TSV run (≥ 3 consecutive short lines with the same number, ≥ 2, of
// commas, or ≥ 1 of tabs) starting at line i, and returns its last line.
func rows(text string, ls []line, i int) (int, string, bool) {
	count := func(j int, sep byte) int {
		t := text[ls[j].start:ls[j].end]
		if len(t) > 400 || strings.TrimSpace(t) == "" {
			return -1
		}
		return strings.Count(t, string(sep))
	}
	if count(i, '|') >= 2 {
		j := i
		for j+1 < len(ls) && count(j+1, '|') >= 2 {
			j++
		}
		if j > i {
			return j, KindTable, true
		}
	}
	for _, sep := range []byte{'\t', ','} {
		n := count(i, sep)
		if n < 1 || sep == ',' && n < 2 {
			continue
		}
		j := i
		for j+1 < len(ls) && count(j+1, sep) == n {
			j++
		}
		if j-i >= 2 {
			return j, KindCSV, true
		}
	}
	return 0, "", false
}
