// Package verify turns candidate findings (from the deterministic
// detectors and from Gemini) into findings a report can trust.
//
// Verify drops findings that name unknown calls or types (counting each
// reason), recomputes every saving from the referenced calls and the price
// table — a reporter's own arithmetic is never used —, merges findings of
// the same type about the same calls (source "both" when the detectors and
// Gemini agree), allocates each call's cost once across findings so no
// saving is claimed twice, and assigns severities. Summarize totals the
// run's original cost, optimized cost and savings.
//
// # Savings formulas (per run, exact pico-dollars)
//
//   - redundant_call: the cost of every call but the first (the repeats).
//   - loop: the cost of every call but the first.
//   - retry_waste: the cost of every call but the last (the failed or
//     truncated attempts).
//   - model_overkill: Σ cost − cost re-priced under SuggestedModel with the
//     same usage; dropped when the model is unknown, of another provider or
//     kind, or not cheaper.
//   - prompt_bloat: Σ min(RemovableTokens, uncached input tokens) × the
//     call's input rate (long-context tier included).
//   - cache_opportunity: Σ over the calls after the first of
//     min(RemovableTokens, uncached input) × (input rate − cache-read
//     rate), minus once the cache-write premium min(RemovableTokens,
//     uncached input of the first call) × (cache-write rate − input rate)
//     for providers that bill writes (Anthropic).
//
// Uncached input is InputTokens − CacheReadTokens − CacheWriteTokens.
// Each call has a budget equal to its cost; findings are allocated in type
// order (retry, loop, redundant, overkill, bloat, cache), then by first
// call, and a finding's per-call saving is capped by what is left of each
// call's budget. Findings left with no saving are dropped.
package verify
