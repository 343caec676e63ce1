// Package scheduler is kaizen serve's continuous analysis: it reads the
// backlog of settled runs, analyzes each through the analysis pipeline with
// bounded concurrency, and sends the most expensive to Gemini while a daily
// budget lasts.
package scheduler
