package fakellm

import (
	"hash/fnv"
	"strings"
	"sync"
)

// prefixCache is a server's memory of the prompt prefixes it has seen, so
// a repeated prefix is reported as cached the way each provider does. It
// lives as long as the server (the providers' caches last minutes; a fake
// serves one demo or test).
type prefixCache struct {
	mu   sync.Mutex
	seen map[uint64]bool
}

func newPrefixCache() *prefixCache { return &prefixCache{seen: map[uint64]bool{}} }

// implicit returns how many leading tokens of ids were already cached for
// model under automatic prefix caching (OpenAI, Gemini implicit caching):
// nothing below minTokens, then whole steps of step tokens, the longest
// prefix seen before. It remembers every qualifying prefix of ids.
func (c *prefixCache) implicit(model string, ids []uint, minTokens, step int) int64 {
	if len(ids) < minTokens {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(model))
	var buf [8]byte
	var cached int64
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, id := range ids {
		for k := range buf {
			buf[k] = byte(id >> (8 * k))
		}
		h.Write(buf[:])
		n := i + 1
		if n < minTokens || (n-minTokens)%step != 0 {
			continue
		}
		key := h.Sum64()
		if c.seen[key] {
			cached = int64(n)
		}
		c.seen[key] = true
	}
	return cached
}

// breakpoint is the text of a prompt up to and including a block marked
// with cache_control (Anthropic), and its tokens.
type breakpoint struct {
	prefix string
	tokens int64
}

// explicit applies Anthropic's rules: only prefixes ending at a
// cache_control breakpoint are cached, only from minTokens; the longest
// breakpoint seen before is read from the cache and the rest up to the
// last qualifying breakpoint is written to it.
func (c *prefixCache) explicit(model string, bps []breakpoint, minTokens int64) (read, write int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var last int64
	for _, bp := range bps {
		if bp.tokens < minTokens {
			continue
		}
		key := hashStrings(model, bp.prefix)
		if c.seen[key] {
			read = max(read, bp.tokens)
		}
		c.seen[key] = true
		last = max(last, bp.tokens)
	}
	if last > read {
		write = last - read
	}
	return read, write
}

func hashStrings(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// anthropicMinCacheable is the shortest prefix Anthropic caches for model
// (docs.anthropic.com prompt caching: 4096 for Opus 4.5 and Haiku 4.5,
// 2048 for Haiku 3/3.5, 1024 otherwise).
func anthropicMinCacheable(model string) int64 {
	m := strings.ToLower(model)
	switch {
	case strings.Contains(m, "opus-4-5"), strings.Contains(m, "haiku-4-5"):
		return 4096
	case strings.Contains(m, "haiku"):
		return 2048
	}
	return 1024
}

// geminiMinCacheable is the shortest prefix Gemini's implicit caching
// serves for model (ai.google.dev caching: 1024 for Flash, 4096 for Pro).
func geminiMinCacheable(model string) int {
	if strings.Contains(strings.ToLower(model), "flash") {
		return 1024
	}
	return 4096
}

// The fake's cache granularity: OpenAI reports cached tokens in 128-token
// increments after the first 1024; Gemini documents no increment, so the
// fake uses 64.
const (
	openAIMinCacheable = 1024
	openAICacheStep    = 128
	geminiCacheStep    = 64
)
