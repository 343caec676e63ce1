package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// TestProfileBenchLoad records a CPU profile of the collector running
// config.clickhouse.yaml (as make bench-collector runs it: compression
// none, no TTL) while it stores make bench-collector's load: 200 000 spans,
// 500 per request, 4 senders, half GenAI chat spans with 2 KB of content.
// It runs only when KAIZEN_CPUPROFILE names the output file:
//
//	KAIZEN_CPUPROFILE=/tmp/collector.prof go test -count=1 -run TestProfileBenchLoad ./collector/cmd/kaizen-collector/
//	go tool pprof -top -cum /tmp/collector.prof
//
// The store, the senders and the generator run in this process too: their
// stacks (e2e.Batches, the gRPC client, the chdb engine threads as external
// code) are outside the collector's and easy to focus away.
func TestProfileBenchLoad(t *testing.T) {
	out := os.Getenv("KAIZEN_CPUPROFILE")
	if out == "" {
		t.Skip("set KAIZEN_CPUPROFILE=<file> to profile the collector under make bench-collector's load")
	}
	dir := t.TempDir()
	store, err := e2e.StartStore(filepath.Join(dir, "chdb"), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Stop(context.Background()) })
	ports := e2e.MustPorts(t)
	setEnv(t, append(append(ports.Env(dir), store.Env()...), "KAIZEN_CLICKHOUSE_COMPRESSION=none", "KAIZEN_CLICKHOUSE_TTL=0s"))
	runInProcess(t, fileURI(serverConfig))
	conn, err := e2e.Open(store.Addr(), "kaizen", store.Writer())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	load := e2e.BulkLoad{Spans: 200_000, PerRequest: 500, Senders: 4, Batches: e2e.NewBatches(1, 2048)}
	n := uint64(load.Requests() * load.PerRequest)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sent := make(chan error, 1)
	go func() { _, err := load.Send(ctx, ports.GRPC); sent <- err }()
	for {
		var spans, calls uint64
		if err := conn.QueryRow(ctx, "SELECT (SELECT count() FROM otel_traces), (SELECT count() FROM llm_calls)").Scan(&spans, &calls); err != nil {
			pprof.StopCPUProfile()
			t.Fatalf("count rows: %v", err)
		}
		if spans >= n && calls >= n/2 {
			break
		}
		if ctx.Err() != nil {
			pprof.StopCPUProfile()
			t.Fatalf("stored %d spans and %d calls of %d when time ran out", spans, calls, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	pprof.StopCPUProfile()
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d spans stored in %s; CPU profile in %s", n, time.Since(start).Round(time.Millisecond), out)
	if heap := os.Getenv("KAIZEN_MEMPROFILE"); heap != "" {
		// alloc_space of the whole run (MemProfileRate is set below at start).
		hf, err := os.Create(heap)
		if err != nil {
			t.Fatal(err)
		}
		defer hf.Close()
		if err := pprof.Lookup("allocs").WriteTo(hf, 0); err != nil {
			t.Fatal(err)
		}
		t.Logf("allocation profile in %s", heap)
	}
}
