package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// badTraces mixes good spans with every kind of bad data in one batch.
func badTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "svc\xff")
	ss := rs.ScopeSpans().AppendEmpty()

	addSpan(ss, 1, 1, 0, "good root", 0, time.Second)

	utf := addSpan(ss, 1, 2, 1, "name \xc3\x28 bad", 0, time.Second)
	utf.Attributes().PutStr("k", "v\xffv")

	big := addSpan(ss, 1, 3, 1, "big", 0, time.Second)
	big.Attributes().PutStr("blob", strings.Repeat("é", 3000)) // 6000 bytes

	noTrace := addSpan(ss, 0, 4, 1, "no trace id", 0, time.Second)
	noTrace.SetTraceID(pcommon.NewTraceIDEmpty())
	noSpan := addSpan(ss, 1, 5, 1, "no span id", 0, time.Second)
	noSpan.SetSpanID(pcommon.NewSpanIDEmpty())

	kind := addSpan(ss, 1, 6, 1, "odd kind", 0, time.Second)
	kind.SetKind(ptrace.SpanKind(42))
	kind.Status().SetCode(ptrace.StatusCode(7))

	back := addSpan(ss, 1, 7, 1, "ends before it starts", 0, time.Second)
	back.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(-time.Second)))

	call := addSpan(ss, 1, 8, 1, "chat with bad values", 0, time.Second)
	a := call.Attributes()
	a.PutStr(genai.Operation, "chat")
	a.PutInt(genai.InputTokens, -5)
	a.PutStr(genai.OutputTokens, "12")
	a.PutStr(genai.PriceStatus, "priced") // but no cost: never silently priced
	a.PutStr(genai.PromptSimHash, "not-hex")
	a.PutStr(genai.InputMessages, "\xff"+strings.Repeat("x", 5000))
	return td
}

func TestBadDataStoredOrRejected(t *testing.T) {
	db := chtest.NewDatabase(t)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	core, logs := observer.New(zap.InfoLevel)
	set := nopSettings()
	set.TelemetrySettings = tel.NewTelemetrySettings()
	set.Logger = zap.New(core)
	cfg := testConfig(db)
	cfg.MaxValueBytes = 1024
	exp := startExporter(t, cfg, set)
	if err := exp.ConsumeTraces(context.Background(), badTraces()); err != nil {
		t.Fatalf("a batch with bad spans must not fail: %v", err)
	}

	rows := query(t, fmt.Sprintf(`SELECT SpanId, SpanName, ServiceName, SpanKind, StatusCode, Duration,
		SpanAttributes['k'], length(SpanAttributes['blob']) BETWEEN 1000 AND 1024, match(SpanAttributes['blob'], '^é+…\\[kaizen: truncated \\d+ bytes\\]$'),
		isValidUTF8(SpanAttributes['blob'])
		FROM %s.otel_traces ORDER BY SpanId`, db))
	assertRows(t, "otel_traces", rows, []string{
		"cd00000000000001\tgood root\tsvc\uFFFD\tInternal\tUnset\t1000000000\t\t0\t0\t1",
		"cd00000000000002\tname \uFFFD( bad\tsvc\uFFFD\tInternal\tUnset\t1000000000\tv\uFFFDv\t0\t0\t1",
		"cd00000000000003\tbig\tsvc\uFFFD\tInternal\tUnset\t1000000000\t\t1\t1\t1",
		"cd00000000000006\todd kind\tsvc\uFFFD\tUnspecified\tUnset\t1000000000\t\t0\t0\t1",
		"cd00000000000007\tends before it starts\tsvc\uFFFD\tInternal\tUnset\t0\t\t0\t0\t1",
		"cd00000000000008\tchat with bad values\tsvc\uFFFD\tInternal\tUnset\t1000000000\t\t0\t0\t1",
	})
	calls := query(t, fmt.Sprintf(`SELECT SpanId, InputTokens, OutputTokens, PriceStatus, toString(CostUSD), PromptSimHash,
		length(InputMessages) <= 1024, startsWith(InputMessages, '\xEF\xBF\xBDxxx'), isValidUTF8(InputMessages)
		FROM %s.llm_calls`, db))
	assertRows(t, "llm_calls", calls, []string{"cd00000000000008\t0\t12\tunpriced\t0\t0\t1\t1\t1"})

	if n := logs.FilterMessageSnippet("spans rejected").Len(); n != 1 {
		t.Errorf("want one log line for the rejected spans, got %d", n)
	} else if line := fmt.Sprint(logs.FilterMessageSnippet("spans rejected").All()[0].Context); !strings.Contains(line, "no trace id") || !strings.Contains(line, "no span id") {
		t.Errorf("rejection log does not name the spans: %s", line)
	}

	assertSum(t, tel, metricRowsRejected, attribute.String("reason", reasonMissingIDs), 2)
	assertSum(t, tel, metricRowsWritten, attribute.String("table", "otel_traces"), 6)
	assertSum(t, tel, metricRowsWritten, attribute.String("table", "llm_calls"), 1)
	assertSum(t, tel, metricValuesRepaired, attribute.String("reason", reasonInvalidUTF8), 6) // service name twice (column and resource map), span name, k, input messages twice (attribute and column)
	assertSum(t, tel, metricValuesRepaired, attribute.String("reason", reasonOversize), 3)
	assertSum(t, tel, metricValuesRepaired, attribute.String("reason", reasonUnknownSpanKind), 1)
	assertSum(t, tel, metricValuesRepaired, attribute.String("reason", reasonUnknownStatus), 1)
	assertSum(t, tel, metricValuesRepaired, attribute.String("reason", reasonBadGenAIValue), 3)
	if m, err := tel.GetMetric(metricInsertDuration); err != nil {
		t.Error(err)
	} else if h := m.Data.(metricdata.Histogram[float64]); len(h.DataPoints) != 2 {
		t.Errorf("insert duration: %d series, want one per table", len(h.DataPoints))
	}
}

// assertSum checks the value of the counter's series having attr.
func assertSum(t *testing.T, tel *componenttest.Telemetry, name string, attr attribute.KeyValue, want int64) {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	var got int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if v, ok := dp.Attributes.Value(attr.Key); ok && v == attr.Value {
			got += dp.Value
		}
	}
	if got != want {
		t.Errorf("%s{%s=%s} = %d, want %d", name, attr.Key, attr.Value.String(), got, want)
	}
}

func TestInsertFailureCounted(t *testing.T) {
	db := chtest.NewDatabase(t)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := nopSettings()
	set.TelemetrySettings = tel.NewTelemetrySettings()
	exp := startExporter(t, testConfig(db), set)
	chtest.Exec(t, fmt.Sprintf("DROP TABLE %s.llm_calls", db))
	err := exp.ConsumeTraces(context.Background(), freshen(workflowTraces())) // fresh: no replay check of the dropped table
	if err == nil || !strings.Contains(err.Error(), "insert into llm_calls") {
		t.Fatalf("want the llm_calls insert to fail, got %v", err)
	}
	assertCount(t, db, "otel_traces", 8) // the other table is still written
	assertSum(t, tel, metricInsertFailures, attribute.String("kind", failureRetryable), 1)
}
