package run

import (
	"slices"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Type is a kind of waste.
type Type string

// The waste taxonomy. The JSON report and the findings table use these
// strings; they never change meaning.
const (
	// Redundant: the same question asked more than once (exact or
	// near-duplicate prompts); all but the first could be served from a cache.
	Redundant Type = "redundant_call"
	// Overkill: an expensive model on a task a cheaper model of the same
	// provider does as well.
	Overkill Type = "model_overkill"
	// Bloat: context sent that the answer never needed.
	Bloat Type = "prompt_bloat"
	// CacheMiss: a stable prefix above the provider's minimum cacheable
	// length repeated without cache reads.
	CacheMiss Type = "cache_opportunity"
	// RetryWaste: failed or length-truncated calls that were redone.
	RetryWaste Type = "retry_waste"
	// Loop: an agent repeating near-identical calls.
	Loop Type = "loop"
)

// Types lists every finding type in report order.
var Types = []Type{Redundant, Overkill, Bloat, CacheMiss, RetryWaste, Loop}

// Rank returns t's position in Types (report order), or -1 for a type that
// is not in the taxonomy.
func (t Type) Rank() int { return slices.Index(Types, t) }

// Severity ranks a finding by its saving and certainty.
type Severity string

// Severities.
const (
	Low    Severity = "low"
	Medium Severity = "medium"
	High   Severity = "high"
)

// Source says who reported a finding.
type Source string

// Sources.
const (
	SourceDetector Source = "detector"
	SourceGemini   Source = "gemini"
	SourceBoth     Source = "both"
)

// Finding is one instance of waste in a run. The verifier recomputes
// Savings from Calls, the Type-specific fields and the price table; a
// reporter's own arithmetic is never trusted.
type Finding struct {
	Type       Type
	Severity   Severity
	Confidence float64 // 0..1
	// Calls are the call numbers involved, ascending. For Redundant and Loop
	// the first is the one to keep; for RetryWaste the last is the one that
	// succeeded.
	Calls []int
	// SpanIDs are the span ids of Calls, in the same order.
	SpanIDs        []string
	Title          string
	Explanation    string
	Recommendation string
	// Savings is the verified saving per run.
	Savings pricing.USD
	Source  Source

	// SuggestedModel is, for Overkill, the cheaper model to use instead.
	SuggestedModel string
	// RemovableTokens is, for Bloat, the input tokens per call that can be
	// dropped; for CacheMiss, the prefix tokens per call that can be cached.
	RemovableTokens int64
}
