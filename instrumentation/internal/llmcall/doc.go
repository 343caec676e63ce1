// Package llmcall is the provider-neutral model of one inference call that
// the provider codecs (internal/openai, internal/anthropic, internal/gemini)
// fill from the bodies they read: the request parameters, the messages in the
// GenAI semantic-convention shape, the token usage, the finish reasons and the
// errors a provider reports, plus the Server-Sent Events reader that splits a
// streamed body into the events the codecs' stream accumulators consume.
//
// The public package github.com/kaizenhq/kaizen/instrumentation turns this
// model into spans and metrics; its exported Request, Response, Usage,
// Message and Part are aliases of the types here.
package llmcall
