// Package run is the analyzer's model of one workflow run (one trace): its
// span tree and its LLM calls numbered #1…#N in start order, as read from
// the llm_calls and otel_traces tables, and the findings the detectors and
// Gemini report about it.
//
// Every other analyzer package speaks these types: the ClickHouse reader
// builds a Run, detectors and the Gemini client produce Findings, the
// verifier re-prices them, and the reports render them.
package run
