package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestPushOverNativeProtocol pushes the same traces through a tcp:// (and
// a clickhouse://, compressed) endpoint, served by the embedded store's
// native protocol, and through the HTTP endpoint the other tests use, and
// finds every row of otel_traces and llm_calls identical, column for
// column.
func TestPushOverNativeProtocol(t *testing.T) {
	srv, err := chserver.ListenTCP(chtest.Server().Conn(), chserver.Config{TCPEndpoint: "127.0.0.1:0"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shut down native protocol: %v", err)
		}
	})
	httpDB := chtest.NewDatabase(t)
	pushTo(t, testConfig(httpDB))
	for _, dsn := range []string{"tcp://%s/%s", "clickhouse://%s/%s?compress=lz4"} {
		db := chtest.NewDatabase(t)
		cfg := testConfig(db)
		cfg.Endpoint = fmt.Sprintf(dsn, srv.Addr(), db)
		pushTo(t, cfg)
		for _, table := range []string{"otel_traces", "llm_calls"} {
			q := "SELECT * FROM %s." + table + " ORDER BY SpanId FORMAT TSV"
			want := query(t, fmt.Sprintf(q, httpDB))
			got := query(t, fmt.Sprintf(q, db))
			if len(want) == 0 {
				t.Fatalf("%s: no rows over HTTP", table)
			}
			assertRows(t, cfg.Endpoint+" "+table, got, want)
		}
	}
}

func pushTo(t *testing.T, cfg *Config) {
	t.Helper()
	exp := startExporter(t, cfg, nopSettings())
	if err := exp.ConsumeTraces(context.Background(), workflowTraces()); err != nil {
		t.Fatalf("push to %s: %v", cfg.Endpoint, err)
	}
}
