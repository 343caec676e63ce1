// Package detect finds waste in one workflow run with deterministic,
// offline rules: redundant calls, model overkill, prompt bloat, prompt-cache
// opportunities, retry waste and loops. Run executes every detector and
// returns candidate findings; package verify re-prices them, merges them
// with Gemini's and guarantees that no call's cost is claimed twice.
//
// Each detector lives in its own file and is documented, with its
// thresholds and savings formula, in README.md. Detectors read the OTel
// GenAI semconv content of calls (gen_ai.system_instructions,
// gen_ai.input.messages, gen_ai.output.messages) when the content policy
// kept it, and fall back to the processor's fingerprints otherwise.
//
// # Token estimates
//
// Spans report token counts per call, not per message. When a detector needs
// the tokens of a part of a prompt (a context block, a stable prefix) it
// takes the proportional share of the call's reported input tokens by byte
// length: tokens(part) = InputTokens × bytes(part) / bytes(all prompt text),
// rounded down. Calls that report no input tokens fall back to
// bytes(part)/4, the usual English average.
package detect
