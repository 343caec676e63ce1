package whatif

import (
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Cache re-prices the run as if repeated stable prefixes were served from
// the prompt cache. prefixes are the cache-opportunity candidates of the
// detectors (detect.Run with run.CacheMiss): each names a sequence of calls
// sharing a stable prefix of RemovableTokens tokens (already at or above the
// provider's minimum cacheable length). The first call of a sequence writes
// the cache (billed at the cache-write rate where the provider charges one,
// e.g. Anthropic); every later call reads the prefix at the cache-read
// rate. Calls already reading that much from the cache are unchanged.
func Cache(r *run.Run, prices *pricing.Table, prefixes []run.Finding) *Result {
	type plan struct {
		tokens int64
		write  bool
	}
	plans := map[int]plan{}
	for _, f := range prefixes {
		if f.Type != run.CacheMiss || f.RemovableTokens <= 0 {
			continue
		}
		for i, n := range f.Calls {
			if p, ok := plans[n]; !ok || f.RemovableTokens > p.tokens {
				plans[n] = plan{tokens: f.RemovableTokens, write: i == 0}
			}
		}
	}
	return apply(r, prices, "prompt cache", func(c *run.Call, orig *pricing.Model) (pricing.Usage, *pricing.Model, int64, string) {
		p, ok := plans[c.Number]
		if !ok {
			return c.Usage, orig, 0, "no repeated stable prefix"
		}
		u := c.Usage
		tokens := min(p.tokens, u.InputTokens)
		if p.write {
			if !orig.CacheWrite.OK {
				return u, orig, 0, "first use of the prefix (automatic caching: no write charge)"
			}
			u.CacheWriteTokens = max(u.CacheWriteTokens, tokens)
			return u, orig, 0, ""
		}
		if !orig.CacheRead.OK {
			return u, orig, 0, "no cache-read price for " + orig.ID()
		}
		if u.CacheReadTokens >= tokens {
			return u, orig, 0, "prefix already read from the cache"
		}
		u.CacheReadTokens = tokens
		return u, orig, tokens, ""
	})
}
