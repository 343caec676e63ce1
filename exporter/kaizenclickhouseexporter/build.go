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
	out.traces.grow(td.SpanCount())
	lin := &lineage{td: td}
	for _, rs := range td.ResourceSpans().All() {
		res := rs.Resource().Attributes()
		sc := spanContext{serviceName: s.str(serviceName(res)), resourceAttrs: s.attrs(res)}
		for _, ss := range rs.ScopeSpans().All() {
			sc.scopeName, sc.scopeVersion = s.str(ss.Scope().Name()), s.str(ss.Scope().Version())
			for _, span := range ss.Spans().All() {
				if span.TraceID().IsEmpty() || span.SpanID().IsEmpty() {
					out.rejected = append(out.rejected, rejectedSpan{
						reason: reasonMissingIDs, service: sc.serviceName, name: s.str(span.Name()),
						traceID: span.TraceID().String(), spanID: span.SpanID().String(),
					})
					continue
				}
				inference := isInference(span.Attributes())
				out.traces.add(s, &sc, span, referenceContent && inference)
				if inference {
					out.calls.add(s, &sc, lin, span)
				}
			}
		}
	}
	out.repaired = s.counts
	return out
}
