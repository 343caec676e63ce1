package kaizenclickhouseexporter

import (
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// traceColumns lists the otel_traces columns the exporter writes, in the
// order of traceRows' fields; the values are the contrib ClickHouse
// exporter's, so either exporter's rows read the same.
var traceColumns = []string{
	"Timestamp", "TraceId", "SpanId", "ParentSpanId", "TraceState", "SpanName", "SpanKind",
	"ServiceName", "ResourceAttributes", "ScopeName", "ScopeVersion", "SpanAttributes",
	"Duration", "StatusCode", "StatusMessage",
	"Events.Timestamp", "Events.Name", "Events.Attributes",
	"Links.TraceId", "Links.SpanId", "Links.TraceState", "Links.Attributes",
}

// traceRows holds validated otel_traces rows column by column.
type traceRows struct {
	timestamp                                  []time.Time
	traceID, spanID, parentSpanID, traceState  []string
	spanName, spanKind, serviceName            []string
	resourceAttrs                              []column.IterableOrderedMap
	scopeName, scopeVersion                    []string
	spanAttrs                                  []column.IterableOrderedMap
	duration                                   []uint64
	statusCode, statusMessage                  []string
	eventTimes                                 [][]time.Time
	eventNames                                 [][]string
	eventAttrs                                 [][]column.IterableOrderedMap
	linkTraceIDs, linkSpanIDs, linkTraceStates [][]string
	linkAttrs                                  [][]column.IterableOrderedMap
	// ids hashes every row's ids, for the deduplication token.
	ids idHash
}

// columns returns the column slices in traceColumns order.
func (r *traceRows) columns() []any {
	return []any{
		r.timestamp, r.traceID, r.spanID, r.parentSpanID, r.traceState, r.spanName, r.spanKind,
		r.serviceName, r.resourceAttrs, r.scopeName, r.scopeVersion, r.spanAttrs,
		r.duration, r.statusCode, r.statusMessage,
		r.eventTimes, r.eventNames, r.eventAttrs,
		r.linkTraceIDs, r.linkSpanIDs, r.linkTraceStates, r.linkAttrs,
	}
}

func (r *traceRows) len() int { return len(r.traceID) }

// grow presizes every column for n rows, so a batch of n spans appends
// without reallocating.
func (r *traceRows) grow(n int) {
	r.timestamp = make([]time.Time, 0, n)
	for _, c := range []*[]string{&r.traceID, &r.spanID, &r.parentSpanID, &r.traceState, &r.spanName,
		&r.spanKind, &r.serviceName, &r.scopeName, &r.scopeVersion, &r.statusCode, &r.statusMessage} {
		*c = make([]string, 0, n)
	}
	r.resourceAttrs, r.spanAttrs = make([]column.IterableOrderedMap, 0, n), make([]column.IterableOrderedMap, 0, n)
	r.duration = make([]uint64, 0, n)
	r.eventTimes, r.eventNames, r.eventAttrs = make([][]time.Time, 0, n), make([][]string, 0, n), make([][]column.IterableOrderedMap, 0, n)
	r.linkTraceIDs, r.linkSpanIDs, r.linkTraceStates = make([][]string, 0, n), make([][]string, 0, n), make([][]string, 0, n)
	r.linkAttrs = make([][]column.IterableOrderedMap, 0, n)
}

// Shared empty values for the nested columns of spans without events or
// links (most spans), so those spans allocate nothing for them. They are
// only read.
var (
	noTimes = []time.Time{}
	noStrs  = []string{}
	noMaps  = []column.IterableOrderedMap{}
)

// spanKinds and statusCodes are the values contrib writes.
var (
	spanKinds = map[ptrace.SpanKind]string{
		ptrace.SpanKindUnspecified: "Unspecified", ptrace.SpanKindInternal: "Internal",
		ptrace.SpanKindServer: "Server", ptrace.SpanKindClient: "Client",
		ptrace.SpanKindProducer: "Producer", ptrace.SpanKindConsumer: "Consumer",
	}
	statusCodes = map[ptrace.StatusCode]string{
		ptrace.StatusCodeUnset: "Unset", ptrace.StatusCodeOk: "Ok", ptrace.StatusCodeError: "Error",
	}
)

// spanKind returns contrib's name of the span's kind; an unknown kind is
// stored as Unspecified and counted.
func (s *sanitizer) spanKind(k ptrace.SpanKind) string {
	if name, ok := spanKinds[k]; ok {
		return name
	}
	s.note(reasonUnknownSpanKind)
	return spanKinds[ptrace.SpanKindUnspecified]
}

// statusCode returns contrib's name of a status code; an unknown code is
// stored as Unset and counted.
func (s *sanitizer) statusCode(c ptrace.StatusCode) string {
	if name, ok := statusCodes[c]; ok {
		return name
	}
	s.note(reasonUnknownStatus)
	return statusCodes[ptrace.StatusCodeUnset]
}

// spanContext is what every row of a span shares with its resource and scope.
type spanContext struct {
	serviceName   string
	resourceAttrs kvMap
	scopeName     string
	scopeVersion  string
}

// add appends one span, already checked to have valid ids. With
// referenceContent its GenAI content attributes are stored as markers.
func (r *traceRows) add(s *sanitizer, sc *spanContext, span ptrace.Span, referenceContent bool) {
	r.ids.add(span.TraceID(), span.SpanID())
	r.timestamp = append(r.timestamp, span.StartTimestamp().AsTime())
	r.traceID = append(r.traceID, span.TraceID().String())
	r.spanID = append(r.spanID, span.SpanID().String())
	r.parentSpanID = append(r.parentSpanID, span.ParentSpanID().String())
	r.traceState = append(r.traceState, s.str(span.TraceState().AsRaw()))
	r.spanName = append(r.spanName, s.str(span.Name()))
	r.spanKind = append(r.spanKind, s.spanKind(span.Kind()))
	r.serviceName = append(r.serviceName, sc.serviceName)
	r.resourceAttrs = append(r.resourceAttrs, sc.resourceAttrs)
	r.scopeName = append(r.scopeName, sc.scopeName)
	r.scopeVersion = append(r.scopeVersion, sc.scopeVersion)
	var replace map[string]string
	if referenceContent {
		replace = contentReferences
	}
	r.spanAttrs = append(r.spanAttrs, s.attrsReplacing(span.Attributes(), replace))
	r.duration = append(r.duration, durationNanos(span))
	r.statusCode = append(r.statusCode, s.statusCode(span.Status().Code()))
	r.statusMessage = append(r.statusMessage, s.str(span.Status().Message()))
	r.addEvents(s, span.Events())
	r.addLinks(s, span.Links())
}

func (r *traceRows) addEvents(s *sanitizer, events ptrace.SpanEventSlice) {
	n := events.Len()
	if n == 0 {
		r.eventTimes, r.eventNames, r.eventAttrs = append(r.eventTimes, noTimes), append(r.eventNames, noStrs), append(r.eventAttrs, noMaps)
		return
	}
	times, names, attrs := make([]time.Time, n), make([]string, n), make([]column.IterableOrderedMap, n)
	for i := range n {
		e := events.At(i)
		times[i], names[i], attrs[i] = e.Timestamp().AsTime(), s.str(e.Name()), s.attrs(e.Attributes())
	}
	r.eventTimes, r.eventNames, r.eventAttrs = append(r.eventTimes, times), append(r.eventNames, names), append(r.eventAttrs, attrs)
}

func (r *traceRows) addLinks(s *sanitizer, links ptrace.SpanLinkSlice) {
	n := links.Len()
	if n == 0 {
		r.linkTraceIDs, r.linkSpanIDs = append(r.linkTraceIDs, noStrs), append(r.linkSpanIDs, noStrs)
		r.linkTraceStates, r.linkAttrs = append(r.linkTraceStates, noStrs), append(r.linkAttrs, noMaps)
		return
	}
	traceIDs, spanIDs, states, attrs := make([]string, n), make([]string, n), make([]string, n), make([]column.IterableOrderedMap, n)
	for i := range n {
		l := links.At(i)
		traceIDs[i], spanIDs[i] = l.TraceID().String(), l.SpanID().String()
		states[i], attrs[i] = s.str(l.TraceState().AsRaw()), s.attrs(l.Attributes())
	}
	r.linkTraceIDs, r.linkSpanIDs = append(r.linkTraceIDs, traceIDs), append(r.linkSpanIDs, spanIDs)
	r.linkTraceStates, r.linkAttrs = append(r.linkTraceStates, states), append(r.linkAttrs, attrs)
}

// durationNanos is end − start, 0 when the span ends before it starts
// (contrib's unsigned subtraction would store a value near 2^64).
func durationNanos(span ptrace.Span) uint64 {
	start, end := span.StartTimestamp(), span.EndTimestamp()
	if end < start {
		return 0
	}
	return uint64(end - start)
}

// serviceName is the resource's service.name, as contrib reads it.
func serviceName(res pcommon.Map) string {
	if v, ok := res.Get("service.name"); ok {
		return v.AsString()
	}
	return ""
}
