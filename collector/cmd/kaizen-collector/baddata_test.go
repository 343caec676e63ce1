package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// badData is one OTLP batch mixing good spans with every kind of bad input
// the issue names, and what must come of it.
type badData struct {
	traces ptrace.Traces
	// stored are the spans (and the one call) that must be stored once.
	stored e2e.Expect
	// keys of the spans whose stored values the checks look at.
	good, oversized, invalidUTF8, unknownKind, call e2e.SpanKey
}

const (
	oversizedBytes = 2 << 20 // over the exporter's default max_value_bytes (1 MiB)
	invalidText    = "caf\xc3\x28 \xff\xfe end"
)

func newBadData(seed byte) badData {
	b := badData{traces: ptrace.NewTraces(), stored: e2e.Expect{Spans: map[e2e.SpanKey]bool{}}}
	rs := b.traces.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "bad-data")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	tid := pcommon.TraceID{0xbd, seed, 1}
	now := pcommon.NewTimestampFromTime(time.Now())
	add := func(n byte, name string) (ptrace.Span, e2e.SpanKey) {
		s := spans.AppendEmpty()
		s.SetTraceID(tid)
		s.SetSpanID(pcommon.SpanID{0xbd, seed, n})
		s.SetName(name)
		s.SetStartTimestamp(now)
		s.SetEndTimestamp(now + 1000)
		k := e2e.SpanKey{TraceID: tid.String(), SpanID: s.SpanID().String()}
		b.stored.Spans[k] = true
		return s, k
	}
	_, b.good = add(1, "good")
	s, k := add(2, "oversized")
	s.Attributes().PutStr("blob", strings.Repeat("x", oversizedBytes))
	b.oversized = k
	s, k = add(3, "invalid "+invalidText)
	s.Attributes().PutStr("text", invalidText)
	b.invalidUTF8 = k
	s, k = add(4, "unknown kind")
	s.SetKind(ptrace.SpanKind(42))
	b.unknownKind = k
	s, k = add(5, "chat gpt-4o-mini")
	a := s.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o-mini")
	a.PutStr("gen_ai.workflow.name", "bad-data")
	a.PutStr("gen_ai.agent.name", "robust")
	a.PutInt("gen_ai.usage.input_tokens", 100)
	a.PutInt("gen_ai.usage.output_tokens", 20)
	a.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"`+invalidText+`"}]}]`)
	a.PutStr("gen_ai.output.messages", strings.Repeat("y", oversizedBytes))
	b.call = k
	b.stored.Calls = append(b.stored.Calls, e2e.Call{SpanKey: k, Workflow: "bad-data", Agent: "robust",
		Provider: "openai", Model: "gpt-4o-mini", Usage: pricing.Usage{InputTokens: 100, OutputTokens: 20}})
	// Missing ids: cannot be stored, must be counted as rejected.
	noIDs := spans.AppendEmpty()
	noIDs.SetName("no ids")
	noSpanID := spans.AppendEmpty()
	noSpanID.SetName("no span id")
	noSpanID.SetTraceID(tid)
	return b
}

// check verifies how the bad values were stored and that the spans without
// ids were counted as rejected.
func (b badData) check(ctx context.Context, t *testing.T, conn driver.Conn, metricsURL string) {
	t.Helper()
	type row struct {
		name, kind, blob, text string
		valid                  uint8
	}
	read := func(k e2e.SpanKey) row {
		var r row
		err := conn.QueryRow(ctx, `SELECT SpanName, SpanKind, SpanAttributes['blob'], SpanAttributes['text'],
			isValidUTF8(SpanName) AND isValidUTF8(SpanAttributes['text'])
			FROM otel_traces WHERE TraceId = ? AND SpanId = ?`, k.TraceID, k.SpanID).Scan(&r.name, &r.kind, &r.blob, &r.text, &r.valid)
		if err != nil {
			t.Fatalf("read span %s: %v", k.SpanID, err)
		}
		return r
	}
	if r := read(b.oversized); len(r.blob) >= oversizedBytes || len(r.blob) < 1<<20 || !strings.Contains(r.blob, "[kaizen: truncated") {
		t.Errorf("oversized attribute: stored %d bytes ending %q, want it cut to about 1 MiB with the truncation marker", len(r.blob), tail(r.blob))
	}
	if r := read(b.invalidUTF8); r.valid != 1 || !strings.Contains(r.name, "\uFFFD") || !strings.HasPrefix(r.text, "caf") {
		t.Errorf("invalid UTF-8: stored name %q text %q (valid %d), want U+FFFD replacements", r.name, r.text, r.valid)
	}
	if r := read(b.unknownKind); r.kind != "Unspecified" {
		t.Errorf("unknown span kind stored as %q, want Unspecified", r.kind)
	}
	var in, out string
	var outLen uint64
	if err := conn.QueryRow(ctx, `SELECT InputMessages, substring(OutputMessages, 1, 10), length(OutputMessages)
		FROM llm_calls WHERE SpanId = ?`, b.call.SpanID).Scan(&in, &out, &outLen); err != nil {
		t.Fatalf("read bad call: %v", err)
	}
	if !strings.Contains(in, "\uFFFD") || outLen >= oversizedBytes || out != strings.Repeat("y", 10) {
		t.Errorf("bad call content: input %q, output %d bytes: want U+FFFD and a cut output", in, outLen)
	}
	// The two spans without ids: rejected, counted, never stored.
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := e2e.MetricSum(ctx, metricsURL, "otelcol_kaizenclickhouse_rows_rejected", `reason="missing_ids"`, `table="otel_traces"`)
		if err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows_rejected{reason=missing_ids,table=otel_traces} = %v, want 2", n)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var stray uint64
	if err := conn.QueryRow(ctx, `SELECT count() FROM otel_traces WHERE SpanName IN ('no ids', 'no span id')`).Scan(&stray); err != nil || stray != 0 {
		t.Errorf("spans without ids: %d stored (err %v), want 0", stray, err)
	}
}

func tail(s string) string {
	if len(s) > 60 {
		return s[len(s)-60:]
	}
	return s
}
