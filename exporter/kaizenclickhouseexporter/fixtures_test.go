package kaizenclickhouseexporter

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// base is the start time of every fixture span.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

func traceID(b byte) pcommon.TraceID { return pcommon.TraceID{15: b, 0: 0xab} }
func spanID(b byte) pcommon.SpanID   { return pcommon.SpanID{7: b, 0: 0xcd} }

// addSpan appends a span with ids (trace t, span s, parent p; p 0 = root),
// starting at base+offset and lasting dur.
func addSpan(ss ptrace.ScopeSpans, t, s, p byte, name string, offset, dur time.Duration) ptrace.Span {
	span := ss.Spans().AppendEmpty()
	span.SetTraceID(traceID(t))
	span.SetSpanID(spanID(s))
	if p != 0 {
		span.SetParentSpanID(spanID(p))
	}
	span.SetName(name)
	span.SetKind(ptrace.SpanKindInternal)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(base.Add(offset)))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(offset + dur)))
	return span
}

// workflowTraces is a two-agent workflow as the instrumentation and the
// processor write it:
//
//	1 invoke_workflow (workflow=research)
//	├─ 2 invoke_agent (agent=planner)
//	│  ├─ 3 chat gpt-4o, priced by the processor, which gave it the workflow and agent of its ancestors
//	│  └─ 4 execute_tool (not a call)
//	└─ 5 invoke_agent (agent=writer)
//	   ├─ 6 chat claude, streamed, partial price, cache tokens, names its own agent
//	   └─ 7 embeddings, unpriced (no cost attributes)
//
// (the processor's TestInheritNames checks the names it gives 3, 6 and 7)
//
// plus, in a second resource, 8: a chat call with no ancestors in the batch.
func workflowTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "research-agent")
	rs.Resource().Attributes().PutStr("deployment.environment", "test")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("github.com/kaizenhq/kaizen/instrumentation")
	ss.Scope().SetVersion("0.1.0")

	wf := addSpan(ss, 1, 1, 0, "invoke_workflow research", 0, 10*time.Second)
	wf.Attributes().PutStr(genai.Operation, "invoke_workflow")
	wf.Attributes().PutStr(genai.Workflow, "research")
	wf.TraceState().FromRaw("kz=1")

	planner := addSpan(ss, 1, 2, 1, "invoke_agent planner", time.Millisecond, 4*time.Second)
	planner.Attributes().PutStr(genai.Operation, "invoke_agent")
	planner.Attributes().PutStr(genai.Agent, "planner")

	chat := addSpan(ss, 1, 3, 2, "chat gpt-4o", 2*time.Millisecond, 1500*time.Millisecond)
	chat.SetKind(ptrace.SpanKindClient)
	a := chat.Attributes()
	a.PutStr(genai.Operation, "chat")
	a.PutStr(genai.Provider, "openai")
	a.PutStr(genai.RequestModel, "gpt-4o")
	a.PutStr(genai.ResponseModel, "gpt-4o-2024-08-06")
	a.PutStr(genai.Workflow, "research")
	a.PutStr(genai.Agent, "planner")
	a.PutInt(genai.InputTokens, 1200)
	a.PutInt(genai.OutputTokens, 350)
	a.PutInt(genai.CacheReadTokens, 1024)
	a.PutInt(genai.ReasoningTokens, 0)
	a.PutEmptySlice(genai.FinishReasons).AppendEmpty().SetStr("stop")
	a.PutStr(genai.SystemInstructions, `[{"type":"text","content":"You plan."}]`)
	a.PutStr(genai.InputMessages, `[{"role":"user","parts":[{"type":"text","content":"Plan a trip"}]}]`)
	a.PutStr(genai.OutputMessages, `[{"role":"assistant","parts":[{"type":"text","content":"Day 1…"}]}]`)
	a.PutDouble(genai.CostUSD, 0.0048265)
	a.PutDouble(genai.CostInputUSD, 0.0013265)
	a.PutDouble(genai.CostOutputUSD, 0.0035)
	a.PutDouble(genai.CostReportedUSD, 0.005) // the instrumentation's own figure
	// The exact integer wins over the double (one pico-dollar apart here).
	a.PutInt(genai.CostPico, 4_826_500_001)
	a.PutStr(genai.PriceVersion, "2026-03-01")
	a.PutStr(genai.PriceStatus, "priced")
	a.PutStr(genai.PromptHash, "0123456789abcdef")
	a.PutStr(genai.PromptSimHash, "fedcba9876543210")
	a.PutStr(genai.SystemHash, "00000000000000ff")
	a.PutStr(genai.PrefixHash, "1111111111111111")
	a.PutStr(genai.ContentPolicy, "full")
	ev := chat.Events().AppendEmpty()
	ev.SetName("gen_ai.choice")
	ev.SetTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Second)))
	ev.Attributes().PutInt("index", 0)
	link := chat.Links().AppendEmpty()
	link.SetTraceID(traceID(9))
	link.SetSpanID(spanID(9))
	link.TraceState().FromRaw("l=1")
	link.Attributes().PutBool("retry", true)

	tool := addSpan(ss, 1, 4, 2, "execute_tool search", 1600*time.Millisecond, 300*time.Millisecond)
	tool.Attributes().PutStr(genai.Operation, "execute_tool")
	tool.Attributes().PutStr("gen_ai.tool.name", "search")

	writer := addSpan(ss, 1, 5, 1, "invoke_agent writer", 5*time.Second, 4*time.Second)
	writer.Attributes().PutStr(genai.Operation, "invoke_agent")
	writer.Attributes().PutStr(genai.Agent, "writer")

	claude := addSpan(ss, 1, 6, 5, "chat claude-sonnet-4-5", 5100*time.Millisecond, 2*time.Second)
	claude.SetKind(ptrace.SpanKindClient)
	claude.Status().SetCode(ptrace.StatusCodeError)
	claude.Status().SetMessage("overloaded")
	c := claude.Attributes()
	c.PutStr(genai.Operation, "chat")
	c.PutStr(genai.Provider, "anthropic")
	c.PutStr(genai.RequestModel, "claude-sonnet-4-5")
	c.PutStr(genai.Workflow, "research")
	c.PutStr(genai.Agent, "writer-v2")
	c.PutInt(genai.InputTokens, 5000)
	c.PutInt(genai.OutputTokens, 800)
	c.PutInt(genai.CacheCreateTokens, 4000)
	c.PutInt(genai.ReasoningTokens, 120)
	c.PutBool(genai.RequestStream, true)
	c.PutDouble(genai.TimeToFirstChunk, 0.75)
	c.PutStr(genai.ErrorType, "overloaded_error")
	c.PutDouble(genai.CostUSD, 0.000000000001)
	c.PutStr(genai.PriceStatus, "partial")

	emb := addSpan(ss, 1, 7, 5, "embeddings text-embedding-3-small", 7*time.Second, 100*time.Millisecond)
	emb.Attributes().PutStr(genai.Operation, "embeddings")
	emb.Attributes().PutStr(genai.RequestModel, "text-embedding-3-small")
	emb.Attributes().PutInt(genai.InputTokens, 64)
	emb.Attributes().PutStr(genai.Workflow, "research")
	emb.Attributes().PutStr(genai.Agent, "writer")

	rs2 := td.ResourceSpans().AppendEmpty()
	rs2.Resource().Attributes().PutStr("service.name", "lone-service")
	lone := addSpan(rs2.ScopeSpans().AppendEmpty(), 2, 8, 42, "chat gemini", 0, time.Second)
	lone.Attributes().PutStr(genai.Operation, "generate_content")
	lone.Attributes().PutStr(genai.RequestModel, "gemini-2.5-flash")
	lone.Attributes().PutInt(genai.InputTokens, 10)
	lone.Attributes().PutInt(genai.OutputTokens, 5)
	return td
}
