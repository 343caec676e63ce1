package kaizenprocessor

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// Redaction presets.
const (
	presetEmail  = "email"
	presetPhone  = "phone"
	presetCard   = "card"
	presetAPIKey = "api_key"
)

// redactor replaces secrets and personal data in strings. Presets are
// scanners written out by hand (a pass over the bytes, no regexp); custom
// rules use RE2.
type redactor struct {
	email, card, phone, credentials bool
	custom                          []customRule
}

type customRule struct {
	name string
	re   *regexp.Regexp
	repl string
}

// rules selects which of the configured rules run on a value.
type rules uint8

const (
	ruleCredentials rules = 1 << iota // the api_key preset
	rulePersonal                      // the email, phone and card presets
	ruleCustom                        // the custom rules

	// rulesGenAI run on the attributes of GenAI spans: everything.
	rulesGenAI = ruleCredentials | rulePersonal | ruleCustom
)

// match is a half-open byte range to replace.
type match struct {
	start, end int
	rule       string
}

// tally counts the replacements of one span (n) and of the batch by rule.
type tally struct {
	n      int
	byRule map[string]int64
}

func (t *tally) count(rule string) {
	t.n++
	if t.byRule == nil {
		t.byRule = map[string]int64{}
	}
	t.byRule[rule]++
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
		r.credentials = true
	default:
		return false
	}
	return true
}

// enabled reports whether any of rs is configured.
func (r *redactor) enabled(rs rules) bool {
	return rs&ruleCredentials != 0 && r.credentials ||
		rs&rulePersonal != 0 && (r.email || r.card || r.phone) ||
		rs&ruleCustom != 0 && len(r.custom) > 0
}

// minNumberDigits is the fewest digits a phone or card number has.
const minNumberDigits = 10

// redact returns s with every match of the rules rs replaced by
// "[REDACTED:<rule>]", counting each replacement in t. s is returned
// unchanged (no allocation) when nothing matches.
func (r *redactor) redact(s string, rs rules, t *tally) string {
	var ms []match // allocated at the first match: most values have none
	if rs&rulePersonal != 0 {
		if r.email {
			ms = findEmails(s, ms)
		}
		if (r.card || r.phone) && countDigits(s) >= minNumberDigits {
			ms = findNumbers(s, ms, r.card, r.phone)
		}
	}
	if rs&ruleCredentials != 0 && r.credentials {
		ms = findCredentials(s, ms)
	}
	if len(ms) > 0 {
		s = replaceMatches(s, ms, t)
	}
	if rs&ruleCustom == 0 {
		return s
	}
	for _, c := range r.custom {
		if !c.re.MatchString(s) {
			continue
		}
		s = c.re.ReplaceAllStringFunc(s, func(string) string {
			t.count(c.name)
			return c.repl
		})
	}
	return s
}

// replaceMatches replaces the matches, earliest first. Overlapping matches
// (of different rules) are merged and replaced once, labeled with the rule
// of the earliest (on the same start, the longest, then the first rule
// name): every byte any rule matched is removed.
func replaceMatches(s string, ms []match, t *tally) string {
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
		t.count(m.rule)
		last = m.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// redactedCredential replaces the whole value of a secret-named attribute.
const redactedCredential = "[REDACTED:" + presetAPIKey + "]"

// maxNesting bounds recursion into nested map/slice attribute values.
const maxNesting = 16

// redactSpan redacts everything of span the exporter stores: credentials
// in its name, status, trace state, attributes, events and links, and on a
// GenAI span's attributes and events every rule.
func (p *kaizenProcessor) redactSpan(span ptrace.Span, genai bool, t *tally) {
	attrRules := ruleCredentials
	if genai {
		attrRules = rulesGenAI
	}
	if !p.red.enabled(attrRules) {
		return
	}
	if p.red.credentials {
		if s := span.Name(); s != "" {
			if r := p.red.redact(s, ruleCredentials, t); r != s {
				span.SetName(r)
			}
		}
		if s := span.Status().Message(); s != "" {
			if r := p.red.redact(s, ruleCredentials, t); r != s {
				span.Status().SetMessage(r)
			}
		}
		p.redactTraceState(span.TraceState(), t)
	}
	p.redactMap(span.Attributes(), attrRules, t, 0)
	for _, ev := range span.Events().All() {
		if s := ev.Name(); s != "" && p.red.credentials {
			if r := p.red.redact(s, ruleCredentials, t); r != s {
				ev.SetName(r)
			}
		}
		p.redactMap(ev.Attributes(), attrRules, t, 0)
	}
	for _, l := range span.Links().All() {
		p.redactTraceState(l.TraceState(), t)
		p.redactMap(l.Attributes(), ruleCredentials, t, 0)
	}
}

// redactResource redacts the credentials in what the exporter stores of a
// resource and its scopes.
func (p *kaizenProcessor) redactResource(rs ptrace.ResourceSpans, t *tally) {
	if !p.red.credentials {
		return
	}
	p.redactMap(rs.Resource().Attributes(), ruleCredentials, t, 0)
	for _, ss := range rs.ScopeSpans().All() {
		sc := ss.Scope()
		if s := sc.Name(); s != "" {
			if r := p.red.redact(s, ruleCredentials, t); r != s {
				sc.SetName(r)
			}
		}
		if s := sc.Version(); s != "" {
			if r := p.red.redact(s, ruleCredentials, t); r != s {
				sc.SetVersion(r)
			}
		}
		p.redactMap(sc.Attributes(), ruleCredentials, t, 0)
	}
}

func (p *kaizenProcessor) redactTraceState(ts pcommon.TraceState, t *tally) {
	if s := ts.AsRaw(); s != "" {
		if r := p.red.redact(s, ruleCredentials, t); r != s {
			ts.FromRaw(r)
		}
	}
}

// redactMap redacts the values of m. A secret-named key (Authorization,
// x-api-key, password, …) loses its whole value; identifier attributes of
// GenAI spans (dialect.IsIdentifier) run the custom rules only.
func (p *kaizenProcessor) redactMap(m pcommon.Map, rs rules, t *tally, depth int) {
	for k, v := range m.All() {
		switch {
		case rs&ruleCredentials != 0 && p.red.credentials && isSecretKey(k):
			redactWhole(v, t, depth)
		case depth == 0 && rs == rulesGenAI && dialect.IsIdentifier(k):
			p.redactValue(v, ruleCustom, t, depth)
		default:
			p.redactValue(v, rs, t, depth)
		}
	}
}

func (p *kaizenProcessor) redactValue(v pcommon.Value, rs rules, t *tally, depth int) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if s := v.Str(); s != "" {
			if r := p.red.redact(s, rs, t); r != s {
				v.SetStr(r)
			}
		}
	case pcommon.ValueTypeSlice:
		if depth >= maxNesting {
			v.SetStr("[REDACTED:too_deep]")
			return
		}
		for _, e := range v.Slice().All() {
			p.redactValue(e, rs, t, depth+1)
		}
	case pcommon.ValueTypeMap:
		if depth >= maxNesting {
			v.SetStr("[REDACTED:too_deep]")
			return
		}
		p.redactMap(v.Map(), rs, t, depth+1)
	case pcommon.ValueTypeBytes:
		if b := v.Bytes().AsRaw(); len(b) > 0 {
			if r := p.red.redact(string(b), rs, t); r != string(b) {
				v.SetStr(r)
			}
		}
	}
}

// redactWhole replaces every string (or bytes) inside the value of a
// secret-named attribute.
func redactWhole(v pcommon.Value, t *tally, depth int) {
	switch v.Type() {
	case pcommon.ValueTypeStr, pcommon.ValueTypeBytes:
		if v.AsString() != "" && v.AsString() != redactedCredential {
			v.SetStr(redactedCredential)
			t.count(presetAPIKey)
		}
	case pcommon.ValueTypeSlice:
		if depth >= maxNesting {
			v.SetStr("[REDACTED:too_deep]")
			return
		}
		for _, e := range v.Slice().All() {
			redactWhole(e, t, depth+1)
		}
	case pcommon.ValueTypeMap:
		if depth >= maxNesting {
			v.SetStr("[REDACTED:too_deep]")
			return
		}
		for _, e := range v.Map().All() {
			redactWhole(e, t, depth+1)
		}
	}
}
