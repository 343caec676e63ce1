// Package fakellm is a local stand-in for LLM providers that speaks their
// real wire formats: OpenAI Chat Completions (plain and SSE streaming),
// Anthropic Messages and Gemini generateContent. The real SDKs talk to it
// unchanged (only their base URL differs), so examples, the demo and the
// end-to-end tests exercise the same code paths as production.
//
// Answers are deterministic: a Responder maps a prompt to a reply, and token
// usage is derived from the text (about four bytes a token), so costs and
// findings are reproducible.
package fakellm
