package kaizenprocessor

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// maxAncestors bounds the walk up the parent chain (and breaks cycles).
const maxAncestors = 64

type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

type spanNode struct {
	parent   pcommon.SpanID
	attrs    pcommon.Map
	workflow string
	agent    string
}

// inheritNames copies gen_ai.workflow.name and gen_ai.agent.name from the
// nearest ancestor span in the same batch to GenAI spans that lack them
// (dialects such as OpenLLMetry and the Vercel AI SDK put them only on the
// workflow or agent span). Ancestors that are not GenAI spans are walked
// through.
func inheritNames(td ptrace.Traces) {
	nodes := map[spanKey]*spanNode{}
	var genai []spanKey
	forEachSpan(td, func(s ptrace.Span) {
		k := spanKey{s.TraceID(), s.SpanID()}
		n := &spanNode{parent: s.ParentSpanID(), attrs: s.Attributes()}
		if v, ok := n.attrs.Get("gen_ai.workflow.name"); ok {
			n.workflow = v.AsString()
		}
		if v, ok := n.attrs.Get("gen_ai.agent.name"); ok {
			n.agent = v.AsString()
		}
		nodes[k] = n
		if _, ok := n.attrs.Get(AttrContentPolicy); ok {
			genai = append(genai, k)
		}
	})
	for _, k := range genai {
		n := nodes[k]
		wf, ag := n.workflow, n.agent
		cur := n
		for i := 0; i < maxAncestors && (wf == "" || ag == "") && !cur.parent.IsEmpty(); i++ {
			p, ok := nodes[spanKey{k.trace, cur.parent}]
			if !ok {
				break
			}
			if wf == "" {
				wf = p.workflow
			}
			if ag == "" {
				ag = p.agent
			}
			cur = p
		}
		if n.workflow == "" && wf != "" {
			n.attrs.PutStr("gen_ai.workflow.name", wf)
		}
		if n.agent == "" && ag != "" {
			n.attrs.PutStr("gen_ai.agent.name", ag)
		}
	}
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
