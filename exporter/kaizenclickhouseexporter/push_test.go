package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestPushWritesSpansAndCalls(t *testing.T) {
	db := chtest.NewDatabase(t)
	exp := startExporter(t, testConfig(db), nopSettings())
	if err := exp.ConsumeTraces(context.Background(), workflowTraces()); err != nil {
		t.Fatalf("push: %v", err)
	}

	spans := query(t, fmt.Sprintf(`SELECT SpanId, ParentSpanId, TraceId, SpanName, SpanKind, ServiceName, Duration,
		StatusCode, StatusMessage, TraceState, ScopeName, ScopeVersion, toString(Timestamp)
		FROM %s.otel_traces ORDER BY SpanId`, db))
	wantSpans := []string{
		"cd00000000000001\t\tab000000000000000000000000000001\tinvoke_workflow research\tInternal\tresearch-agent\t10000000000\tUnset\t\tkz=1\tgithub.com/kaizenhq/kaizen/instrumentation\t0.1.0\t2026-03-14 15:09:26.535897932",
		"cd00000000000002\tcd00000000000001\tab000000000000000000000000000001\tinvoke_agent planner\tInternal\tresearch-agent\t4000000000\tUnset\t\t\tgithub.com/kaizenhq/kaizen/instrumentation\t0.1.0\t2026-03-14 15:09:26.536897932",
		"cd00000000000003\tcd00000000000002\tab000000000000000000000000000001\tchat gpt-4o\tClient\tresearch-agent\t1500000000\tUnset\t\t\tgithub.com/kaizenhq/kaizen/instrumentation\t0.1.0\t2026-03-14 15:09:26.537897932",
		"cd00000000000004\tcd00000000000002\tab000000000000000000000000000001\texecute_tool search\tInternal\tresearch-agent\t300000000\tUnset\t\t\tgithub.com/kaizenhq/kaizen/instrumentation\t0.1.0\t2026-03-14 15:09:28.135897932",
		"cd00000000000005\tcd00000000000001\tab000000000000000000000000000001\tinvoke_agent writer\tInternal\tresearch-agent\t4000000000\tUnset\t\t\tgithub.com/kaizenhq/kaizen/instrumentation\t0.1.0\t2026-03-14 15:09:31.535897932",
		"cd00000000000006\tcd00000000000005\tab000000000000000000000000000001\tchat claude-sonnet-4-5\tClient\tresearch-agent\t2000000000\tError\toverloaded\t\tgithub.com/kaizenhq/kaizen/instrumentation\t0.1.0\t2026-03-14 15:09:31.635897932",
		"cd00000000000007\tcd00000000000005\tab000000000000000000000000000001\tembeddings text-embedding-3-small\tInternal\tresearch-agent\t100000000\tUnset\t\t\tgithub.com/kaizenhq/kaizen/instrumentation\t0.1.0\t2026-03-14 15:09:33.535897932",
		"cd00000000000008\tcd0000000000002a\tab000000000000000000000000000002\tchat gemini\tInternal\tlone-service\t1000000000\tUnset\t\t\t\t\t2026-03-14 15:09:26.535897932",
	}
	assertRows(t, "otel_traces", spans, wantSpans)

	detail := query(t, fmt.Sprintf(`SELECT SpanAttributes['gen_ai.usage.input_tokens'], SpanAttributes['gen_ai.response.finish_reasons'],
		ResourceAttributes['deployment.environment'], Events.Name, Events.Attributes, arrayMap(x -> toString(x), Events.Timestamp),
		Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes
		FROM %s.otel_traces WHERE SpanId = 'cd00000000000003'`, db))
	assertRows(t, "span 3 details", detail, []string{
		`1200	["stop"]	test	['gen_ai.choice']	[{'index':'0'}]	['2026-03-14 15:09:27.535897932']	['ab000000000000000000000000000009']	['cd00000000000009']	['l=1']	[{'retry':'true'}]`,
	})

	calls := query(t, fmt.Sprintf(`SELECT SpanId, ParentSpanId, ServiceName, Workflow, Agent, Operation, Provider, RequestModel, ResponseModel,
		InputTokens, OutputTokens, CacheReadTokens, CacheWriteTokens, ReasoningTokens,
		toString(CostUSD), toString(InputCostUSD), toString(OutputCostUSD), PriceVersion, PriceStatus,
		Duration, TimeToFirstChunk, Stream, FinishReasons, StatusCode, ErrorType, ContentPolicy,
		PromptHash, PromptSimHash, SystemHash, PrefixHash
		FROM %s.llm_calls ORDER BY SpanId`, db))
	wantCalls := []string{
		"cd00000000000003\tcd00000000000002\tresearch-agent\tresearch\tplanner\tchat\topenai\tgpt-4o\tgpt-4o-2024-08-06\t1200\t350\t1024\t0\t0\t0.004826500001\t0.0013265\t0.0035\t2026-03-01\tpriced\t1500000000\t0\tfalse\t['stop']\tUnset\t\tfull\t0123456789abcdef\t18364758544493064720\t00000000000000ff\t1111111111111111",
		"cd00000000000006\tcd00000000000005\tresearch-agent\tresearch\twriter-v2\tchat\tanthropic\tclaude-sonnet-4-5\t\t5000\t800\t0\t4000\t120\t0.000000000001\t0\t0\t\tpartial\t2000000000\t750000000\ttrue\t[]\tError\toverloaded_error\t\t\t0\t\t",
		"cd00000000000007\tcd00000000000005\tresearch-agent\tresearch\twriter\tembeddings\t\ttext-embedding-3-small\t\t64\t0\t0\t0\t0\t0\t0\t0\t\tunpriced\t100000000\t0\tfalse\t[]\tUnset\t\t\t\t0\t\t",
		"cd00000000000008\tcd0000000000002a\tlone-service\t\t\tgenerate_content\t\tgemini-2.5-flash\t\t10\t5\t0\t0\t0\t0\t0\t0\t\tunpriced\t1000000000\t0\tfalse\t[]\tUnset\t\t\t\t0\t\t",
	}
	assertRows(t, "llm_calls", calls, wantCalls)

	reported := query(t, fmt.Sprintf(`SELECT SpanId, ifNull(toString(ReportedCostUSD), 'none') FROM %s.llm_calls ORDER BY SpanId`, db))
	assertRows(t, "reported cost", reported, []string{"cd00000000000003\t0.005", "cd00000000000006\tnone", "cd00000000000007\tnone", "cd00000000000008\tnone"})

	content := query(t, fmt.Sprintf(`SELECT SystemInstructions, InputMessages, OutputMessages FROM %s.llm_calls WHERE SpanId = 'cd00000000000003'`, db))
	assertRows(t, "content", content, []string{
		`[{"type":"text","content":"You plan."}]	[{"role":"user","parts":[{"type":"text","content":"Plan a trip"}]}]	[{"role":"assistant","parts":[{"type":"text","content":"Day 1…"}]}]`,
	})
}

// assertRows compares TabSeparated rows.
func assertRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	t.Errorf("%s: got %d rows, want %d", what, len(got), len(want))
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s row %d:\n got  %q\n want %q", what, i, g, w)
		}
	}
}
