// Package triage is a runnable multi-agent workflow: a customer-support
// triage that classifies a ticket, researches it and drafts a reply with three
// providers' real SDKs (openai-go, anthropic-sdk-go, google.golang.org/genai),
// each wired through instrumentation.NewTransport.
//
// It carries the three waste patterns Kaizen exists to find, as real agent
// code often does: a frontier model (gpt-4o) classifying into four labels
// (model overkill), the whole product catalog pasted into the researcher's
// prompt although the answer never uses it (prompt bloat), and the
// researcher asking the same question twice in other words (redundant call).
// The demo and the end-to-end tests run it against the fakellm server.
package triage
