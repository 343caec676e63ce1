// Package kaizenprocessor is the `kaizen` collector processor: it normalizes
// GenAI spans from any instrumentation dialect to the OTel GenAI semantic
// conventions, prices them exactly, fingerprints prompts and applies the
// content policy. See README.md.
package kaizenprocessor
