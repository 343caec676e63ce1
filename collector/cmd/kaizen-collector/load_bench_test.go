package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// BenchmarkCollectorLoad stores make bench-collector's load through the
// collector running config.clickhouse.yaml in this process (compression
// none, no TTL): 200 000 spans per op, 500 per request, 4 senders, half
// GenAI chat spans with 2 KB of content. It is the profiling harness: go
// test's own flags record the profiles,
//
//	go test -run '^$' -bench CollectorLoad -benchtime 1x -cpuprofile /tmp/collector.prof -memprofile /tmp/allocs.prof ./collector/cmd/kaizen-collector/
//	go tool pprof -top -cum /tmp/collector.prof
//
// The store, the senders and the generator run in this process too: their
// stacks (e2e.Batches, the gRPC client, the chdb engine threads as external
// code) are outside the collector's and easy to focus away.
func BenchmarkCollectorLoad(b *testing.B) {
	dir := b.TempDir()
	store, err := e2e.StartStore(filepath.Join(dir, "chdb"), "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Stop(context.Background()) })
	ports := e2e.MustPorts(b)
	setEnv(b, append(append(ports.Env(dir), store.Env()...), "KAIZEN_CLICKHOUSE_COMPRESSION=none", "KAIZEN_CLICKHOUSE_TTL=0s"))
	runInProcess(b, fileURI(serverConfig))
	conn, err := e2e.Open(store.Addr(), "kaizen", store.Writer())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()

	var stored uint64
	b.ResetTimer()
	for i := range b.N {
		load := e2e.BulkLoad{Spans: 200_000, PerRequest: 500, Senders: 4, Batches: e2e.NewBatches(uint32(i+1), 2048)}
		n := uint64(load.Requests() * load.PerRequest)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		sent := make(chan error, 1)
		go func() { _, err := load.Send(ctx, ports.GRPC); sent <- err }()
		for {
			var spans, calls uint64
			if err := conn.QueryRow(ctx, "SELECT (SELECT count() FROM otel_traces), (SELECT count() FROM llm_calls)").Scan(&spans, &calls); err != nil {
				cancel()
				b.Fatalf("count rows: %v", err)
			}
			if spans >= stored+n && calls >= (stored+n)/2 {
				break
			}
			if ctx.Err() != nil {
				cancel()
				b.Fatalf("stored %d spans and %d calls of %d when time ran out", spans-stored, calls-stored/2, n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err := <-sent; err != nil {
			cancel()
			b.Fatal(err)
		}
		cancel()
		stored += n
	}
	b.ReportMetric(float64(stored)/b.Elapsed().Seconds(), "spans/s")
}
