package pricing

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// matchOp is the kind of a genai-prices match rule.
type matchOp uint8

const (
	opEquals matchOp = iota + 1
	opStartsWith
	opEndsWith
	opContains
	opRegex
	opOr
	opAnd
)

// matcher is a compiled genai-prices match rule (MatchLogic). Model ids are
// matched lower-cased, as calcPrice does: string rules compare lower-cased
// operands, regexes run on the lower-cased id.
type matcher struct {
	op   matchOp
	s    string
	re   *regexp.Regexp
	not  *regexp.Regexp // a leading negative lookahead (see compileRegex)
	subs []matcher
}

// maxMatchDepth bounds the nesting of and/or rules in a data file.
const maxMatchDepth = 32

// parseMatch compiles a MatchLogic object: exactly one of equals,
// starts_with, ends_with, contains, regex, or (list) and and (list).
func parseMatch(raw json.RawMessage) (matcher, error) { return parseMatchDepth(raw, 0) }

func parseMatchDepth(raw json.RawMessage, depth int) (matcher, error) {
	if depth > maxMatchDepth {
		return matcher{}, errors.New("match rule nested too deeply")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return matcher{}, fmt.Errorf("match rule: %w", err)
	}
	if len(obj) != 1 {
		return matcher{}, fmt.Errorf("match rule must have exactly one key, has %d", len(obj))
	}
	for k, v := range obj {
		switch k {
		case "or", "and":
			var list []json.RawMessage
			if err := json.Unmarshal(v, &list); err != nil {
				return matcher{}, fmt.Errorf("match %s: %w", k, err)
			}
			m := matcher{op: opOr}
			if k == "and" {
				m.op = opAnd
			}
			for i, sub := range list {
				s, err := parseMatchDepth(sub, depth+1)
				if err != nil {
					return matcher{}, fmt.Errorf("match %s[%d]: %w", k, i, err)
				}
				m.subs = append(m.subs, s)
			}
			return m, nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return matcher{}, fmt.Errorf("match %s: %w", k, err)
		}
		switch k {
		case "equals":
			return matcher{op: opEquals, s: strings.ToLower(s)}, nil
		case "starts_with":
			return matcher{op: opStartsWith, s: strings.ToLower(s)}, nil
		case "ends_with":
			return matcher{op: opEndsWith, s: strings.ToLower(s)}, nil
		case "contains":
			return matcher{op: opContains, s: strings.ToLower(s)}, nil
		case "regex":
			return compileRegex(s)
		}
		return matcher{}, fmt.Errorf("unknown match rule %q", k)
	}
	panic("unreachable")
}

// compileRegex compiles a JavaScript regex with Go's RE2 syntax. RE2 has no
// lookahead; the form genai-prices uses, a leading negative lookahead
// "^(?!A)B", is compiled as: ^(?:A) does not match and ^(?:B) does.
func compileRegex(s string) (matcher, error) {
	re, err := regexp.Compile(s)
	if err == nil {
		return matcher{op: opRegex, s: s, re: re}, nil
	}
	a, b, ok := negativeLookahead(s)
	if !ok {
		return matcher{}, fmt.Errorf("regex %q: %w", s, err)
	}
	not, err := regexp.Compile("^(?:" + a + ")")
	if err != nil {
		return matcher{}, fmt.Errorf("regex %q: %w", s, err)
	}
	if re, err = regexp.Compile("^(?:" + b + ")"); err != nil {
		return matcher{}, fmt.Errorf("regex %q: %w", s, err)
	}
	return matcher{op: opRegex, s: s, re: re, not: not}, nil
}

// negativeLookahead splits "^(?!A)B" into A and B (parentheses of A
// balanced, escapes and classes skipped).
func negativeLookahead(s string) (a, b string, ok bool) {
	rest, ok := strings.CutPrefix(s, "^(?!")
	if !ok {
		return "", "", false
	}
	depth, class := 0, false
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c == '\\':
			i++
		case class:
			class = c != ']'
		case c == '[':
			class = true
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return rest[:i], rest[i+1:], true
			}
			depth--
		}
	}
	return "", "", false
}

// match reports whether the lower-cased model id matches.
func (m *matcher) match(id string) bool {
	switch m.op {
	case opEquals:
		return id == m.s
	case opStartsWith:
		return strings.HasPrefix(id, m.s)
	case opEndsWith:
		return strings.HasSuffix(id, m.s)
	case opContains:
		return strings.Contains(id, m.s)
	case opRegex:
		return (m.not == nil || !m.not.MatchString(id)) && m.re.MatchString(id)
	case opOr:
		for i := range m.subs {
			if m.subs[i].match(id) {
				return true
			}
		}
	case opAnd: // like JavaScript's every, an empty and matches
		for i := range m.subs {
			if !m.subs[i].match(id) {
				return false
			}
		}
		return true
	}
	return false
}

// leaves returns the alternatives of a top-level or (flattened), or m.
func (m *matcher) leaves() []matcher {
	if m.op != opOr {
		return []matcher{*m}
	}
	var out []matcher
	for i := range m.subs {
		out = append(out, m.subs[i].leaves()...)
	}
	return out
}
