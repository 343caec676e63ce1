// Package e2e holds the helpers of the kaizen-collector end-to-end, failure
// and kill tests, of the analyzer's end-to-end test and of the collector
// benchmark: free ports and the environment variables collector/config*.yaml
// read, instrumented workloads (the support-triage workflow and the
// processor's dialect fixtures) with the rows they must produce, an OTLP load generator that records every span the
// collector acknowledged, the built collector binary as a child process, and
// an embedded ClickHouse that a test can take down and bring back.
package e2e
