// Package openai reads the bodies of the OpenAI-compatible APIs — Chat
// Completions, legacy Completions, Responses and Embeddings, plain and
// streamed — into the neutral call model of llmcall, and adds
// stream_options.include_usage to streaming Chat Completions and Completions
// requests so that their last chunk reports token usage.
//
// Usage follows the semantic conventions as OpenAI reports it: prompt and
// input token totals already include cached tokens, completion and output
// totals already include reasoning tokens.
package openai
