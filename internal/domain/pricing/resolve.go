package pricing

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxResolveCache bounds the memo of Resolve so that adversarial model
// names cannot grow memory without limit.
const maxResolveCache = 4096

type resolveCache struct {
	mu sync.RWMutex
	m  map[string]*Model
}

// Resolve finds the priced model for a provider and a model id as reported
// by a span. provider may be any gen_ai.provider.name / gen_ai.system value
// (e.g. "openai", "azure.ai.openai", "gcp.vertex_ai", "aws.bedrock") or empty.
// The model id is matched, in order: exactly (names and aliases, case
// insensitive); after removing a resource path ("models/…",
// "publishers/google/models/…", "vendor/model"); after removing Bedrock
// region and vendor prefixes and version suffixes
// ("us.anthropic.claude-…-v1:0"); after removing a Vertex "@version"; after
// removing a dated-snapshot or numeric version suffix ("-2024-08-06",
// "-20241022", "-002", "-2411", "-latest"). The provider's own models are
// searched first, then every provider (OpenAI-compatible SDKs report
// "openai" for any vendor). Unknown models return false: they are never
// priced by a guess.
func (t *Table) Resolve(provider, model string) (*Model, bool) {
	key := provider + "\x00" + model
	c := t.cache
	c.mu.RLock()
	m, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return m, m != nil
	}
	m = t.resolve(provider, model)
	c.mu.Lock()
	if len(c.m) < maxResolveCache {
		c.m[key] = m
	}
	c.mu.Unlock()
	return m, m != nil
}

func (t *Table) resolve(provider, model string) *Model {
	cands := modelCandidates(normModel(model))
	if len(cands) == 0 {
		return nil
	}
	if key := t.providerKey(provider); key != "" {
		for _, l := range t.layers {
			if p := l.providers[key]; p != nil {
				for _, c := range cands {
					if m := l.findModel(p, c); m != nil {
						return m
					}
				}
			}
		}
	}
	// Like calcPrice without a provider: providers whose model rule matches
	// first, then every provider.
	for _, c := range cands {
		for _, l := range t.layers {
			for _, name := range l.order {
				if p := l.providers[name]; p.modelMatch != nil && p.modelMatch.match(c) {
					if m := l.findModel(p, c); m != nil {
						return m
					}
				}
			}
		}
	}
	for _, c := range cands {
		for _, l := range t.layers {
			for _, name := range l.order {
				if m := l.providers[name].find(c); m != nil {
					return m
				}
			}
		}
	}
	return nil
}

// findModel finds a model of provider p as genai-prices' calcPrice does:
// p's models in order, then its fallback providers' models, then the same
// with compact dates rewritten ("-20250514" → "-2025-05-14").
func (l *layer) findModel(p *providerPrices, id string) *Model {
	if m := l.findOrFallback(p, id); m != nil {
		return m
	}
	if d := dashDates(id); d != id {
		return l.findOrFallback(p, d)
	}
	return nil
}

func (l *layer) findOrFallback(p *providerPrices, id string) *Model {
	if m := p.find(id); m != nil {
		return m
	}
	for _, f := range p.fallback {
		if fp := l.providers[f]; fp != nil {
			if m := fp.find(id); m != nil {
				return m
			}
		}
	}
	return nil
}

// dashDates rewrites every valid compact date "-YYYYMMDD" (year 20xx)
// followed by '-', ':' or the end into "-YYYY-MM-DD", as calcPrice does.
func dashDates(s string) string {
	var b []byte
	last := 0
	for i := 0; i+9 <= len(s); i++ {
		if s[i] != '-' || s[i+1] != '2' || s[i+2] != '0' || !allDigits(s[i+3:i+9]) {
			continue
		}
		if end := i + 9; end < len(s) && s[end] != '-' && s[end] != ':' {
			continue
		}
		y, _ := strconv.Atoi(s[i+1 : i+5])
		mo, _ := strconv.Atoi(s[i+5 : i+7])
		d, _ := strconv.Atoi(s[i+7 : i+9])
		if mo < 1 || mo > 12 || d < 1 || d > 31 || time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Day() != d {
			continue
		}
		b = append(b, s[last:i+5]...)
		b = append(b, '-')
		b = append(b, s[i+5:i+7]...)
		b = append(b, '-')
		b = append(b, s[i+7:i+9]...)
		last = i + 9
		i += 8
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

// providerKey maps any accepted provider name to a table provider key, or
// "": a key, an alias, or (as genai-prices does) the first provider whose
// provider rule matches.
func (t *Table) providerKey(provider string) string {
	p := normProvider(provider)
	if p == "" {
		return ""
	}
	for _, l := range t.layers {
		if _, ok := l.providers[p]; ok {
			return p
		}
	}
	if k, ok := t.aliases[p]; ok {
		return k
	}
	for _, l := range t.layers {
		for _, name := range l.order {
			if pm := l.providers[name].providerMatch; pm != nil && pm.match(p) {
				return name
			}
		}
	}
	return ""
}

func normProvider(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func normModel(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// modelCandidates lists the ids to try for a normalized model id, most
// specific first.
func modelCandidates(m string) []string {
	if m == "" {
		return nil
	}
	out := []string{m}
	add := func(s string) {
		if s != "" && s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	cur := m
	if i := strings.LastIndex(cur, "models/"); i >= 0 {
		cur = cur[i+len("models/"):]
		add(cur)
	}
	cur = stripPath(cur)
	add(cur)
	if b := stripBedrock(cur); b != cur {
		cur = b
		add(cur)
	}
	if i := strings.IndexByte(cur, '@'); i > 0 {
		cur = cur[:i]
		add(cur)
	}
	for range 2 {
		s := stripVersionSuffix(cur)
		if s == cur {
			break
		}
		cur = s
		add(cur)
	}
	return out
}

var bedrockRegions = []string{"us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."}

var bedrockVendors = []string{"anthropic.", "mistral.", "meta.", "deepseek.", "openai.", "amazon.", "cohere.", "ai21.", "writer.", "qwen."}

// stripBedrock turns "us.anthropic.claude-3-5-sonnet-20241022-v2:0" into
// "claude-3-5-sonnet-20241022".
func stripBedrock(s string) string {
	orig := s
	for _, r := range bedrockRegions {
		if strings.HasPrefix(s, r) {
			s = s[len(r):]
			break
		}
	}
	vendor := false
	for _, v := range bedrockVendors {
		if strings.HasPrefix(s, v) {
			s, vendor = s[len(v):], true
			break
		}
	}
	if !vendor {
		return orig
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 && allDigits(s[i+1:]) {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "-v"); i > 0 && allDigits(s[i+2:]) {
		s = s[:i]
	}
	return s
}

// stripVersionSuffix removes one trailing "-latest", "-YYYY-MM-DD" or
// "-NNN…" (3 to 8 digits) component.
func stripVersionSuffix(s string) string {
	if t, ok := strings.CutSuffix(s, "-latest"); ok {
		return t
	}
	if n := len(s); n > 11 && s[n-11] == '-' && s[n-6] == '-' && s[n-3] == '-' &&
		allDigits(s[n-10:n-6]) && allDigits(s[n-5:n-3]) && allDigits(s[n-2:]) {
		return s[:n-11]
	}
	i := strings.LastIndexByte(s, '-')
	if i > 0 && len(s)-i-1 >= 3 && len(s)-i-1 <= 8 && allDigits(s[i+1:]) {
		return s[:i]
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
