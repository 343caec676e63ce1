// Package fakellm is a local stand-in for LLM providers that speaks their
// real wire formats: OpenAI Chat Completions, Anthropic Messages and Gemini
// generateContent, each plain and streaming (SSE). The real SDKs talk to it
// unchanged (only their base URL differs), so examples, the demo and the
// end-to-end tests exercise the same code paths as production.
//
// Usage is billed like a provider would: tokens are counted with a real
// BPE tokenizer (tiktoken-go, o200k_base or the model's own cl100k_base),
// and a repeated prompt prefix is reported as cached under each provider's
// rule — OpenAI automatically from 1024 tokens in 128-token steps
// (cached_tokens), Anthropic only up to cache_control breakpoints from the
// model's minimum (cache_creation/cache_read_input_tokens), Gemini
// implicitly from 1024 (Flash) or 4096 (Pro) tokens
// (cachedContentTokenCount). Answers are deterministic and topical: a
// Responder maps a prompt to a reply, and DefaultResponder quotes only the
// context lines the task asks about. WithLatency and WithFaults inject
// latency, provider errors and truncation; a request's own output limit
// truncates the reply with the provider's finish reason.
package fakellm
