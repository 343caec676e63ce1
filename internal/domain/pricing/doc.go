// Package pricing prices LLM calls exactly.
//
// Money is an integer number of pico-dollars (USD, 1e-12 $); prices are read
// from decimal strings, so a cost is the exact product of token counts and
// published prices with no floating-point accumulation. USD.String gives the
// exact decimal; USD.Float64 a float for OTel double attributes, from which
// math.Round(f*1e12) (FromFloat64) recovers the exact integer for any
// amount below 2^50 pico-dollars (about $1,125).
//
// The embedded, versioned table (prices.yaml) holds, per provider and model,
// the date the prices took effect, the URL they were read from, and per-token
// rates. Users extend or override it with their own file (Load, Merge).
//
// CanonicalProvider and SameModel are the one place where reported provider
// names and model ids are normalized: the processor canonicalizes
// gen_ai.provider.name and matches wrapper spans with them.
//
// # How each token class is billed (Table.PriceModel)
//
// Usage follows the OTel GenAI conventions: InputTokens is the whole prompt
// including cache reads and writes; OutputTokens is the whole completion
// including reasoning.
//
//   - Tier: the total prompt size (InputTokens, plus cache tokens when the
//     input was reported without them) selects a long-context tier (Gemini
//     Pro above 200k, Claude Sonnet 4/4.5 above 200k, Grok 4 above 128k);
//     the tier's rates apply to the whole request, input and output.
//   - Uncached input = InputTokens − CacheRead − CacheWrite, billed at the
//     input rate. Cache tokens are therefore never billed twice.
//   - Cache reads are billed at the cache-read rate, not the input rate. A
//     model without a cache-read price bills them at the input rate and the
//     cost is flagged partial.
//   - Cache writes are billed once, at the cache-write rate (Anthropic
//     5-minute: 1.25× input); CacheWrite1hTokens, the 1-hour-TTL part of the
//     writes, at the 1-hour rate (2× input). Providers without a write price
//     (OpenAI, Gemini) bill writes as ordinary input.
//   - Reasoning tokens are part of the output and billed at the reasoning
//     rate when the model has one (Gemini 2.5 Flash preview "thinking"),
//     otherwise at the output rate — never dropped.
//   - Embedding models bill input only.
//   - Batch requests get the model's batch discount on input and output
//     (rounded half-up to the pico-dollar); without a known discount they are
//     billed at the standard rate and flagged partial.
//   - Unknown models, a missing model id, all-zero usage, negative counts and
//     overflow give StatusUnpriced with a Reason: a cost is never a silent $0.
//
// Prompt-cache storage fees (per hour) and per-request fees (search
// grounding, images, audio) are out of scope: costs cover text tokens.
package pricing
