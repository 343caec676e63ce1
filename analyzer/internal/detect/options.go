package detect

import (
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// Option configures Run.
type Option func(*config)

// config holds the detectors' thresholds; defaults are documented in
// README.md and set by defaultConfig.
type config struct {
	similarity     float64
	outputSim      float64
	loopMin        int
	minBlockTokens int64
	maxSimpleOut   int64
	minOverkill    float64
	cacheTTL       time.Duration
	only           map[run.Type]bool
}

func defaultConfig() config {
	return config{
		similarity:     0.7,
		outputSim:      0.5,
		loopMin:        3,
		minBlockTokens: 400,
		maxSimpleOut:   300,
		minOverkill:    0.5,
		cacheTTL:       time.Hour,
	}
}

// WithSimilarity sets the word-shingle Jaccard similarity (0..1, default
// 0.7) above which two prompts count as near-duplicates when content is
// recorded. Outputs must also be at least half as similar (see README).
// Word-bigram Jaccard falls fast on short rewordings — "support" → "the
// support team" in a 25-word question already gives 0.74 — so the default
// sits below that, with the same-system and similar-output conditions
// guarding precision.
func WithSimilarity(j float64) Option {
	return func(c *config) {
		if j > 0 && j <= 1 {
			c.similarity = j
		}
	}
}

// WithLoopMin sets how many consecutive near-identical calls of one agent
// make a loop (default 3, minimum 2).
func WithLoopMin(n int) Option {
	return func(c *config) {
		if n >= 2 {
			c.loopMin = n
		}
	}
}

// WithMinBlockTokens sets the estimated size from which an unused context
// block is reported as prompt bloat (default 400 tokens).
func WithMinBlockTokens(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.minBlockTokens = n
		}
	}
}

// WithMaxSimpleOutputTokens sets the largest output (default 300 tokens) a
// task may produce and still count as simple-shaped for model overkill.
func WithMaxSimpleOutputTokens(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxSimpleOut = n
		}
	}
}

// WithMinOverkillSaving sets the smallest fraction of a call's cost (0..1,
// default 0.5) a cheaper model must save for overkill to be reported.
func WithMinOverkillSaving(f float64) Option {
	return func(c *config) {
		if f > 0 && f < 1 {
			c.minOverkill = f
		}
	}
}

// WithCacheTTL sets the longest gap between two calls sharing a prefix for
// them to count as one cacheable sequence (default 1 hour, the longest
// prompt-cache lifetime providers offer).
func WithCacheTTL(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.cacheTTL = d
		}
	}
}

// WithOnly restricts Run to the given finding types.
func WithOnly(types ...run.Type) Option {
	return func(c *config) {
		c.only = map[run.Type]bool{}
		for _, t := range types {
			c.only[t] = true
		}
	}
}
