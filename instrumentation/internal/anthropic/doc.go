// Package anthropic reads the bodies of the Anthropic Messages API, plain and
// streamed, into the neutral call model of llmcall.
//
// Anthropic's input_tokens excludes cache reads and writes, so the semconv
// input total adds them; thinking tokens are inside output_tokens and are not
// reported apart.
package anthropic
