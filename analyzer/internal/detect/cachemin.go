package detect

import "strings"

// cacheMinimum is a provider's minimum cacheable prompt length for the
// models whose name contains match ("" matches every model of the
// provider). The first matching row wins.
type cacheMinimum struct {
	provider, match string
	tokens          int64
}

// cacheMinimums lists the minimum prompt length a provider caches, most
// specific first.
var cacheMinimums = []cacheMinimum{
	// OpenAI: prompts of 1024 tokens or more are cached automatically.
	// Source: https://platform.openai.com/docs/guides/prompt-caching
	{"openai", "", 1024},
	// Anthropic: 4096 for Claude Opus 4.5 and Haiku 4.5, 2048 for Haiku 3
	// and 3.5, 1024 for Opus 4/4.1, Sonnet 3.7/4/4.5 and the rest.
	// Source: https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#cache-limitations
	{"anthropic", "opus-4-5", 4096},
	{"anthropic", "opus-4.5", 4096},
	{"anthropic", "haiku-4", 4096},
	{"anthropic", "haiku", 2048},
	{"anthropic", "", 1024},
	// Gemini implicit caching: 1024 for 2.5 Flash (and Flash-Lite), 4096 for
	// 2.5 Pro and 3 Pro; explicit context caching of older models: 4096.
	// Source: https://ai.google.dev/gemini-api/docs/caching
	{"gcp.gemini", "2.5-flash", 1024},
	{"gcp.gemini", "3-flash", 1024},
	{"gcp.gemini", "", 4096},
	// DeepSeek caches on disk in 64-token units; we require a 1024-token
	// prefix for a finding to be worth reporting.
	// Source: https://api-docs.deepseek.com/guides/kv_cache
	{"deepseek", "", 1024},
	// xAI caches automatically; no documented minimum, 1024 used.
	// Source: https://docs.x.ai/docs/models
	{"x_ai", "", 1024},
}

// defaultCacheMinimum applies to providers not listed above whose model has
// a cache-read price.
const defaultCacheMinimum = 1024

// minCacheable returns the minimum cacheable prompt length of a model of a
// table provider key.
func minCacheable(provider, model string) int64 {
	model = strings.ToLower(model)
	for _, m := range cacheMinimums {
		if m.provider == provider && strings.Contains(model, m.match) {
			return m.tokens
		}
	}
	return defaultCacheMinimum
}
