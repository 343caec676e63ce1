package detect

import (
	"fmt"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// detectCache reports stable prompt prefixes (system instructions and the
// messages before the last user message) at least as long as the model's
// minimum cacheable length that are sent repeatedly, to the same model,
// within the cache TTL, without being read from the prompt cache. Prefixes
// equal once volatile tokens are normalized but different byte for byte
// are reported with the first differing token: it breaks the cache.
func detectCache(s *state) []run.Finding {
	type key struct {
		model  string
		prefix uint64
	}
	groups := map[key][]*callInfo{}
	var order []key
	for _, ci := range s.calls {
		if ci.prefix == "" || ci.c.Failed() {
			continue
		}
		m, ok := s.prices.Resolve(ci.c.Provider, ci.c.Model())
		if !ok {
			continue
		}
		k := key{m.ID(), ci.canonPrefix}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], ci)
	}
	var out []run.Finding
	for _, k := range order {
		for _, seq := range s.splitTTL(groups[k]) {
			if f, ok := s.cacheFinding(seq); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// splitTTL splits calls (in call order) where two consecutive calls are
// further apart than the cache TTL.
func (s *state) splitTTL(calls []*callInfo) [][]*callInfo {
	var out [][]*callInfo
	start := 0
	for i := 1; i <= len(calls); i++ {
		if i == len(calls) || calls[i].c.Timestamp.Sub(calls[i-1].c.Timestamp) > s.cfg.cacheTTL {
			out = append(out, calls[start:i])
			start = i
		}
	}
	return out
}

// cacheFinding judges one sequence of calls sharing a prefix.
func (s *state) cacheFinding(seq []*callInfo) (run.Finding, bool) {
	if len(seq) < 2 {
		return run.Finding{}, false
	}
	m, _ := s.prices.Resolve(seq[0].c.Provider, seq[0].c.Model())
	minTokens := minCacheable(m.Provider, m.Name)
	prefixTokens := int64(-1)
	missed := 0
	for _, ci := range seq {
		// The byte share bounds the count well enough to skip tokenizing
		// prefixes far below the minimum.
		if ci.tokensFor(len(ci.prefix))*2 < minTokens {
			return run.Finding{}, false
		}
	}
	for i, ci := range seq {
		t := s.tokens(ci, ci.prefix)
		if prefixTokens < 0 || t < prefixTokens {
			prefixTokens = t
		}
		if i > 0 && ci.c.Usage.CacheReadTokens*2 < t {
			missed++
		}
	}
	if prefixTokens < minTokens || missed == 0 {
		return run.Finding{}, false
	}
	ns := numbers(seq)
	f := run.Finding{
		Confidence:      0.85,
		Calls:           ns,
		RemovableTokens: prefixTokens,
		Title:           fmt.Sprintf("Calls %s resend a %d-token prefix without prompt caching", callList(ns), prefixTokens),
		Explanation: fmt.Sprintf("%d calls to %s start with the same %d-token prefix (system instructions and earlier messages), above the %d-token minimum %s caches, but %d of them read nothing from the cache.",
			len(seq), m.Name, prefixTokens, minTokens, m.Provider, missed),
		Recommendation: cacheAdvice(m.Provider),
	}
	if at, ok := firstDifference(seq); ok {
		ci := seq[0]
		tok := s.tokens(ci, strings.ToValidUTF8(ci.prefix[:at], ""))
		f.Title = fmt.Sprintf("Calls %s: a volatile token at ~token %d breaks the prompt cache", callList(ns), tok)
		f.Explanation += fmt.Sprintf(" The prefixes are identical except for volatile values: the first difference is at byte %d (~token %d), %q, so nothing after it can be served from the cache.",
			at, tok, preview(ci.prefix[at:], 40))
		f.Recommendation = "Move volatile values (timestamps, request ids) out of the system prompt to the end of the last message, then " + lowerFirst(cacheAdvice(m.Provider))
	}
	return f, true
}

// firstDifference returns the first byte offset at which the raw prefixes
// of seq differ (they are equal after canonicalization), if they do.
func firstDifference(seq []*callInfo) (int, bool) {
	first, at, diff := seq[0].prefix, -1, false
	for _, ci := range seq[1:] {
		p := ci.prefix
		if p == first {
			continue
		}
		n := 0
		for n < len(p) && n < len(first) && p[n] == first[n] {
			n++
		}
		if !diff || n < at {
			at, diff = n, true
		}
	}
	return at, diff
}

// cacheAdvice is the provider-specific way to get cache reads.
func cacheAdvice(provider string) string {
	switch provider {
	case "anthropic":
		return "Mark the end of the stable prefix with cache_control {\"type\":\"ephemeral\"}; later calls read it at 10% of the input price."
	case "openai":
		return "Keep the prefix byte-identical and send the calls within a few minutes (or set prompt_cache_key): OpenAI caches prompts of 1024+ tokens automatically."
	case "gcp.gemini":
		return "Keep the prefix byte-identical for implicit caching, or create an explicit context cache (cachedContents) for it."
	}
	return "Keep the prefix byte-identical and enable the provider's prompt caching."
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}
