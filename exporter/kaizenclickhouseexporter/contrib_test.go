package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"strings"
	"testing"

	contrib "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/clickhouseexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// startContrib starts the unmodified contrib ClickHouse exporter writing to
// database db on the shared embedded server; it creates its own schema
// (otel_traces, the trace id lookup table and its materialized view).
func startContrib(t testing.TB, db string) exporter.Traces {
	t.Helper()
	f := contrib.NewFactory()
	cfg := f.CreateDefaultConfig().(*contrib.Config)
	cfg.Endpoint = chtest.Server().URL()
	cfg.Username, cfg.Password = chtest.Writer().Name, configopaque.String(chtest.Writer().Password)
	cfg.Database = db
	cfg.Compress = "none" // see README: lz4 request bodies and the embedded server
	cfg.AsyncInsert = false
	cfg.QueueSettings = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.BackOffConfig.Enabled = false
	exp, err := f.CreateTraces(context.Background(), exportertest.NewNopSettings(component.MustNewType("clickhouse")), cfg)
	if err != nil {
		t.Fatalf("create contrib exporter: %v", err)
	}
	if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatalf("start contrib exporter: %v", err)
	}
	t.Cleanup(func() { _ = exp.Shutdown(context.Background()) })
	return exp
}

// allTraceColumns selects every otel_traces column in a stable text form
// (contrib stores map keys sorted, we keep the attributes' order: equal as
// maps).
const allTraceColumns = `toString(Timestamp), TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName,
	toString(mapSort(ResourceAttributes)), ScopeName, ScopeVersion, toString(mapSort(SpanAttributes)), Duration, StatusCode, StatusMessage,
	toString(Events.Timestamp), toString(Events.Name), toString(arrayMap(m -> mapSort(m), Events.Attributes)),
	toString(Links.TraceId), toString(Links.SpanId), toString(Links.TraceState), toString(arrayMap(m -> mapSort(m), Links.Attributes))`

// TestContribExporterWritesThroughEmbeddedServer runs the contrib exporter
// v0.165.1 against the embedded ClickHouse (its own schema and MV), and
// checks that our otel_traces rows are identical to contrib's, column by
// column, for the same spans.
func TestContribExporterWritesThroughEmbeddedServer(t *testing.T) {
	contribDB, ourDB := chtest.NewDatabase(t), chtest.NewDatabase(t)
	if err := startContrib(t, contribDB).ConsumeTraces(context.Background(), workflowTraces()); err != nil {
		t.Fatalf("contrib push: %v", err)
	}
	if err := startExporter(t, testConfig(ourDB), nopSettings()).ConsumeTraces(context.Background(), workflowTraces()); err != nil {
		t.Fatalf("our push: %v", err)
	}
	contribRows := query(t, fmt.Sprintf("SELECT %s FROM %s.otel_traces ORDER BY SpanId", allTraceColumns, contribDB))
	ourRows := query(t, fmt.Sprintf("SELECT %s FROM %s.otel_traces ORDER BY SpanId", allTraceColumns, ourDB))
	if len(contribRows) != 8 {
		t.Fatalf("contrib stored %d spans, want 8", len(contribRows))
	}
	assertRows(t, "ours vs contrib", ourRows, contribRows)
	// Contrib's materialized view fills its trace id lookup table.
	if got := chtest.Scalar(t, fmt.Sprintf("SELECT count() FROM %s.otel_traces_trace_id_ts", contribDB)); got != "2" {
		t.Errorf("contrib trace id lookup rows = %s, want 2", got)
	}
	if got := chtest.Scalar(t, fmt.Sprintf("SELECT count() FROM %s.otel_traces_trace_id_ts", ourDB)); got != "2" {
		t.Errorf("our trace id lookup rows = %s, want 2", got)
	}
	if strings.Contains(strings.Join(ourRows, ""), "\uFFFD") {
		t.Error("clean fixture came out repaired")
	}
}
