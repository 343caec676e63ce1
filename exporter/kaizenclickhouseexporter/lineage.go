package kaizenclickhouseexporter

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// maxAncestors bounds the walk up a parent chain (and breaks id cycles).
const maxAncestors = 256

type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

type lineNode struct {
	parent          pcommon.SpanID
	workflow, agent string
}

// lineage resolves a call's workflow and agent from its ancestors in the
// same batch, when the call span does not name them itself. The index of
// the batch's spans is built on first use.
type lineage struct {
	td    ptrace.Traces
	nodes map[spanKey]lineNode
}

func (l *lineage) index() {
	l.nodes = make(map[spanKey]lineNode, l.td.SpanCount())
	for _, rs := range l.td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				n := lineNode{parent: span.ParentSpanID()}
				if v, ok := span.Attributes().Get(attrWorkflow); ok {
					n.workflow = v.AsString()
				}
				if v, ok := span.Attributes().Get(attrAgent); ok {
					n.agent = v.AsString()
				}
				l.nodes[spanKey{span.TraceID(), span.SpanID()}] = n
			}
		}
	}
}

// resolve fills an empty workflow or agent from the nearest ancestor that
// names one.
func (l *lineage) resolve(span ptrace.Span, workflow, agent string) (string, string) {
	if workflow != "" && agent != "" {
		return workflow, agent
	}
	if l.nodes == nil {
		l.index()
	}
	parent := span.ParentSpanID()
	for i := 0; i < maxAncestors && !parent.IsEmpty() && (workflow == "" || agent == ""); i++ {
		n, ok := l.nodes[spanKey{span.TraceID(), parent}]
		if !ok {
			break
		}
		if workflow == "" {
			workflow = n.workflow
		}
		if agent == "" {
			agent = n.agent
		}
		parent = n.parent
	}
	return workflow, agent
}
