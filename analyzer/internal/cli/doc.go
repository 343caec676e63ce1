// Package cli implements the `kaizen` command line (cobra): traces, show,
// analyze and what-if over the runs Kaizen stores in ClickHouse.
//
// Exit codes: 0 success, 1 error, 2 usage error (bad flags or arguments,
// malformed trace id), 3 waste over a CI threshold (analyze
// --max-waste-usd / --max-waste-pct).
package cli
