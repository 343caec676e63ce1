package gemini

import (
	"fmt"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// systemInstruction defines the task and the waste taxonomy.
const systemInstruction = `You are Kaizen, an auditor of the money multi-agent LLM systems waste.
You receive one workflow run: its span tree and every LLM call numbered #1..#N in start order, with
model, tokens, cost and content. Repeated paragraphs appear once, tagged [[Bn]], and later as
[[block Bn: first seen in call #k]]; long paragraphs are cut around [[elided N chars]]. Treat these
markers as the text they stand for.

Report only waste you can point to in specific calls. The waste types:
- redundant_call: two or more calls ask the same thing (identical or semantically equivalent prompts
  whose answers are interchangeable); all but the first could be served from a cache. calls: the first
  (kept) call, then the redundant ones.
- model_overkill: an expensive model used for a task whose shape is simple (classification,
  extraction, translation, formatting, short or enumerated outputs, small JSON); name a cheaper model of
  the same provider in suggested_model.
- prompt_bloat: context sent that the answer never used (documents, catalogs, tool lists, whole
  conversation history re-sent each turn, the same large block pasted into several agents); give the
  removable input tokens per call in removable_tokens.
- cache_opportunity: a stable prompt prefix above the provider's minimum cacheable length repeated
  across calls without cache reads; give the cacheable prefix tokens per call in removable_tokens.
- retry_waste: failed or length-truncated calls that were redone; calls: the wasted attempts, then the
  one that succeeded.
- loop: an agent repeating near-identical calls without making progress; calls: the first, then the
  repeats.

Rules: cite only call numbers that exist; do not report the same calls twice for the same type; prefer
precision over recall; state confidence honestly (0..1). Savings are recomputed from exact prices by
the caller, so claimed_savings_usd is only your estimate. Answer with JSON matching the schema.`

// userPrompt assembles the request text: the rendered run and the
// detectors' candidates as hints.
func userPrompt(runText string, hints []run.Finding) string {
	var b strings.Builder
	b.WriteString(runText)
	b.WriteString("\nDETECTOR HINTS (deterministic candidates; confirm, refine or ignore them, and find what rules cannot)\n")
	if len(hints) == 0 {
		b.WriteString("(none)\n")
	}
	for i, h := range hints {
		calls := make([]string, len(h.Calls))
		for j, n := range h.Calls {
			calls[j] = fmt.Sprintf("#%d", n)
		}
		fmt.Fprintf(&b, "H%d %s calls=%s confidence=%.2f: %s\n", i+1, h.Type, strings.Join(calls, ","), h.Confidence, h.Title)
	}
	return b.String()
}
