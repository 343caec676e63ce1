package kaizenprocessor

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestInheritNames runs the exporter's workflow fixture tree through the
// processor: calls take the workflow and agent of their nearest ancestors
// in the batch, keep names of their own, and a call without ancestors in
// the batch gets none. The exporter stores these names as they are.
//
//	1 invoke_workflow (workflow=research)
//	├─ 2 invoke_agent (agent=planner)
//	│  └─ 3 chat gpt-4o: research / planner
//	└─ 5 invoke_agent (agent=writer)
//	   ├─ 4 execute_tool, then 6 chat claude naming agent writer-v2: research / writer-v2
//	   └─ 7 embeddings of a model without a price: research / writer
//
// and 8, a chat call whose parent is in no batch: no names.
func TestInheritNames(t *testing.T) {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	add := func(id, parent byte, attrs map[string]string) {
		s := ss.Spans().AppendEmpty()
		s.SetTraceID(pcommon.TraceID{1})
		s.SetSpanID(pcommon.SpanID{id})
		if parent != 0 {
			s.SetParentSpanID(pcommon.SpanID{parent})
		}
		for k, v := range attrs {
			s.Attributes().PutStr(k, v)
		}
	}
	add(1, 0, map[string]string{"gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "research"})
	add(2, 1, map[string]string{"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner"})
	add(3, 2, map[string]string{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o"})
	add(5, 1, map[string]string{"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "writer"})
	add(4, 5, map[string]string{"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search"})
	add(6, 4, map[string]string{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-sonnet-4-5", "gen_ai.agent.name": "writer-v2"})
	add(7, 5, map[string]string{"gen_ai.operation.name": "embeddings", "gen_ai.request.model": "text-embedding-none"})
	add(8, 42, map[string]string{"gen_ai.operation.name": "generate_content", "gen_ai.request.model": "gemini-2.5-flash"})

	spans := spansByID(runProcessor(t, createDefaultConfig(), td))
	for _, c := range []struct {
		id              string
		workflow, agent string
	}{
		{"0300000000000000", "research", "planner"},
		{"0600000000000000", "research", "writer-v2"},
		{"0700000000000000", "research", "writer"},
		{"0800000000000000", "", ""},
	} {
		a := spans[c.id].Attributes()
		get := func(k string) string {
			if v, ok := a.Get(k); ok {
				return v.AsString()
			}
			return ""
		}
		if wf, ag := get("gen_ai.workflow.name"), get("gen_ai.agent.name"); wf != c.workflow || ag != c.agent {
			t.Errorf("span %s: workflow %q, agent %q; want %q, %q", c.id, wf, ag, c.workflow, c.agent)
		}
	}
	if v, ok := spans["0700000000000000"].Attributes().Get(AttrPriceStatus); ok && v.Str() == "priced" {
		t.Errorf("embeddings of an unknown model priced: %q", v.Str())
	}
}
