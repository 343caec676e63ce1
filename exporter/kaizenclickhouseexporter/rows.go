package kaizenclickhouseexporter

import (
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// rejectedSpan describes a span that could not be stored, for the log.
type rejectedSpan struct {
	reason, service, name, traceID, spanID string
}

// rows is one push converted: every storable span for otel_traces, every
// inference call for llm_calls, and what was repaired or rejected.
type rows struct {
	traces   traceRows
	calls    llmRows
	repaired map[string]int
	rejected []rejectedSpan
}

// buildRows converts a batch. It never fails: spans that cannot be stored
// (no trace or span id) are listed in rejected, bad values are repaired and
// counted, so one bad span never holds back the rest of its batch.
// With referenceContent, the content attributes of inference spans are
// stored in otel_traces as markers (see Config.TracesContent).
func buildRows(td ptrace.Traces, maxValueBytes int, referenceContent bool) *rows {
	s := newSanitizer(maxValueBytes)
	out := &rows{}
	// One pass finds the inference spans, so both tables' columns are
	// presized and a batch appends without reallocating.
	inference, calls := inferenceSpans(td)
	out.traces.grow(len(inference))
	out.calls.grow(calls)
	i := -1
	for _, rs := range td.ResourceSpans().All() {
		res := rs.Resource().Attributes()
		sc := spanContext{serviceName: s.str(serviceName(res)), resourceAttrs: s.attrs(res)}
		for _, ss := range rs.ScopeSpans().All() {
			sc.scopeName, sc.scopeVersion = s.str(ss.Scope().Name()), s.str(ss.Scope().Version())
			for _, span := range ss.Spans().All() {
				i++
				if span.TraceID().IsEmpty() || span.SpanID().IsEmpty() {
					out.rejected = append(out.rejected, rejectedSpan{
						reason: reasonMissingIDs, service: sc.serviceName, name: s.str(span.Name()),
						traceID: span.TraceID().String(), spanID: span.SpanID().String(),
					})
					continue
				}
				out.traces.add(s, &sc, span, referenceContent && inference[i])
				if inference[i] {
					out.calls.add(s, &sc, span)
				}
			}
		}
	}
	out.repaired = s.counts
	return out
}

// inferenceSpans reports, in iteration order, which spans of td are
// inference calls, and how many.
func inferenceSpans(td ptrace.Traces) ([]bool, int) {
	flags := make([]bool, 0, td.SpanCount())
	n := 0
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				ok := isInference(span.Attributes())
				flags = append(flags, ok)
				if ok {
					n++
				}
			}
		}
	}
	return flags, n
}
