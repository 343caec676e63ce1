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
// # Token counts
//
// Spans report token counts per call, not per message. When a detector needs
// the tokens of a part of a prompt (a context block, a stable prefix) it
// counts them with a real BPE tokenizer (package tokencount: the model's own
// encoding for OpenAI models, o200k_base as an approximation for other
// providers) and scales the count to the call's reported input tokens:
// tokens(part) = InputTokens × count(part) / count(all prompt text). A byte
// share (InputTokens × bytes(part) / bytes(prompt), bytes/4 without usage)
// only pre-filters text far below a threshold, so most calls are never
// tokenized.
package detect
