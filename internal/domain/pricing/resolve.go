package pricing

import (
	"strings"
	"sync"
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
	if p := t.providers[t.providerKey(provider)]; p != nil {
		for _, c := range cands {
			if m := p.index[c]; m != nil {
				return m
			}
		}
	}
	for _, c := range cands {
		for _, name := range t.order {
			if m := t.providers[name].index[c]; m != nil {
				return m
			}
		}
	}
	return nil
}

// providerKey maps any accepted provider name to a table provider key, or "".
func (t *Table) providerKey(provider string) string {
	p := normProvider(provider)
	if _, ok := t.providers[p]; ok {
		return p
	}
	return t.aliases[p]
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
