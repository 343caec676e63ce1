package e2e

import (
	"maps"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// SpanKey identifies a span as stored: lowercase hex trace and span ids.
type SpanKey struct{ TraceID, SpanID string }

// Call is one LLM call that must be stored as one llm_calls row.
type Call struct {
	SpanKey
	Workflow, Agent string
	// Provider and Model are the normalized provider and the model the call
	// is priced under (pricing.Table.Price).
	Provider, Model string
	Usage           pricing.Usage
}

// Expect is what a workload must leave in ClickHouse.
type Expect struct {
	// Spans are every span, each stored exactly once in otel_traces.
	Spans map[SpanKey]bool
	// Calls are every LLM call, each stored exactly once in llm_calls.
	Calls []Call
}

// Add merges o into e.
func (e *Expect) Add(o Expect) {
	if e.Spans == nil {
		e.Spans = map[SpanKey]bool{}
	}
	maps.Copy(e.Spans, o.Spans)
	e.Calls = append(e.Calls, o.Calls...)
}
