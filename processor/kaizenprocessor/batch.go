package kaizenprocessor

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// maxAncestors bounds the walk up the parent chain (and breaks cycles).
const maxAncestors = 64

type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// spanNode is one span of the batch in the batch index.
type spanNode struct {
	parent pcommon.SpanID
	attrs  pcommon.Map
	end    pcommon.Timestamp
	// call is the index of the span's inference call in batchStats.calls,
	// or -1.
	call int32
	// boundary marks agent, workflow and tool spans: separate model calls
	// can sit below them, so the wrapper walk stops there.
	boundary bool
}

// batchIndex indexes every span of a batch by trace and span id, for the
// passes that look at ancestors (name inheritance, wrapper detection).
type batchIndex struct {
	nodes []spanNode
	byKey map[spanKey]int32
	keys  []spanKey
}

// newBatchIndex indexes td. calls are the batch's inference calls, already
// numbered in visiting order (see processTraces).
func newBatchIndex(td ptrace.Traces, calls []pendingCall) *batchIndex {
	n := td.SpanCount()
	idx := &batchIndex{nodes: make([]spanNode, 0, n), byKey: make(map[spanKey]int32, n), keys: make([]spanKey, 0, n)}
	next := 0
	forEachSpan(td, func(s ptrace.Span) {
		node := spanNode{parent: s.ParentSpanID(), attrs: s.Attributes(), end: s.EndTimestamp(), call: -1}
		if next < len(calls) && calls[next].ordinal == len(idx.nodes) {
			node.call = int32(next)
			next++
		} else if v, ok := node.attrs.Get(genai.Operation); ok {
			switch v.Str() {
			case "invoke_agent", "invoke_workflow", "execute_tool", "create_agent":
				node.boundary = true
			}
		}
		k := spanKey{s.TraceID(), s.SpanID()}
		idx.byKey[k] = int32(len(idx.nodes))
		idx.nodes = append(idx.nodes, node)
		idx.keys = append(idx.keys, k)
	})
	return idx
}

// parentOf returns the index of node i's parent in the batch, or -1.
func (idx *batchIndex) parentOf(i int32) int32 {
	n := &idx.nodes[i]
	if n.parent.IsEmpty() {
		return -1
	}
	p, ok := idx.byKey[spanKey{idx.keys[i].trace, n.parent}]
	if !ok {
		return -1
	}
	return p
}

func forEachSpan(td ptrace.Traces, f func(ptrace.Span)) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				f(spans.At(k))
			}
		}
	}
}
