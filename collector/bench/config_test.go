package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	contrib "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/clickhouseexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// TestContribBaselineWrites resolves bench/config.contrib.yaml with the
// environment the harness gives the baseline collector and runs its
// clickhouse exporter against the embedded store, so a baseline that the
// store would refuse (as when credentials became required) fails here
// rather than in make bench-collector.
func TestContribBaselineWrites(t *testing.T) {
	dir := t.TempDir()
	store, err := e2e.StartStore(filepath.Join(dir, "chdb"), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Stop(context.Background()) })
	const db = "bench_contrib"
	for _, kv := range collectorEnv(e2e.MustPorts(t), dir, store, db) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	resolver, err := confmap.NewResolver(confmap.ResolverSettings{
		URIs:              []string{"file:config.contrib.yaml"},
		ProviderFactories: []confmap.ProviderFactory{fileprovider.NewFactory(), envprovider.NewFactory()},
	})
	if err != nil {
		t.Fatal(err)
	}
	conf, err := resolver.Resolve(context.Background())
	if err != nil {
		t.Fatalf("resolve config.contrib.yaml: %v", err)
	}
	section, err := conf.Sub("exporters::clickhouse")
	if err != nil {
		t.Fatal(err)
	}
	f := contrib.NewFactory()
	cfg := f.CreateDefaultConfig().(*contrib.Config)
	if err := section.Unmarshal(cfg); err != nil {
		t.Fatalf("exporters::clickhouse: %v", err)
	}
	// Synchronous pushes, so the test reads the row the push wrote.
	cfg.QueueSettings = configoptional.None[exporterhelper.QueueBatchConfig]()
	exp, err := f.CreateTraces(context.Background(), exportertest.NewNopSettings(component.MustNewType("clickhouse")), cfg)
	if err != nil {
		t.Fatalf("create the contrib exporter: %v", err)
	}
	if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatalf("start the contrib exporter as config.contrib.yaml configures it: %v", err)
	}
	t.Cleanup(func() { _ = exp.Shutdown(context.Background()) })

	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetTraceID(pcommon.TraceID{1})
	s.SetSpanID(pcommon.SpanID{1})
	s.SetName("bench")
	s.SetStartTimestamp(pcommon.NewTimestampFromTime(time.Now()))
	s.SetEndTimestamp(s.StartTimestamp() + 1000)
	if err := exp.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatalf("push: %v", err)
	}
	conn, err := e2e.Open(store.Addr(), db, store.Writer())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n uint64
	if err := conn.QueryRow(context.Background(), "SELECT count() FROM otel_traces").Scan(&n); err != nil || n != 1 {
		t.Errorf("otel_traces holds %d rows (%v), want 1", n, err)
	}
}
