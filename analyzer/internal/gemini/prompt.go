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

// pairsInstruction is added to the system instruction when the request
// lists candidate pairs, so that a run without pairs sends what it sent
// before pairs existed.
const pairsInstruction = `
CANDIDATE PAIRS are call pairs the offline rules could not decide (same instructions, similar context,
other wording). Report a pair as redundant_call (earlier call first) only if the later request asks the
same thing, so the earlier answer serves it. Shapes: reworded = paraphrase candidate;
same_template_other_values = other slot values, a different question unless the values are synonyms;
same_question_other_data = the context differs; other_question = few shared words.`

// instructionFor returns the system instruction of a request listing
// pairs candidate pairs.
func instructionFor(pairs int) string {
	if pairs == 0 {
		return systemInstruction
	}
	return systemInstruction + "\n" + pairsInstruction
}

// userPrompt assembles the request text: the rendered run, the
// detectors' candidates as hints and the candidate pairs of r to judge.
func userPrompt(r *run.Run, runText string, hints []run.Finding, pairs []listedPair) string {
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
	writePairs(&b, r, pairs)
	return b.String()
}
