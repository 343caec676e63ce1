package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// outage is how long ClickHouse is down in TestClickHouseOutage (the
// issue's 30 s).
const outage = 30 * time.Second

// retryOverride keeps config.clickhouse.yaml's retry-forever policy but caps
// the backoff at 2 s (the default 30 s cap would only make the test wait
// longer after ClickHouse is back).
const retryOverride = "yaml:exporters::kaizenclickhouse::retry_on_failure::max_interval: 2s"

// failureRig is the built collector running collector/config.clickhouse.yaml
// against a store hosted by the test process, over its HTTP interface.
type failureRig struct {
	t     *testing.T
	bin   string
	dir   string
	ports e2e.Ports
	store *e2e.Store
	proc  *e2e.Process
}

func newFailureRig(t *testing.T) *failureRig {
	r := &failureRig{t: t, bin: collectorBinary(t), dir: t.TempDir(), ports: e2e.MustPorts(t)}
	store, err := e2e.StartStore(r.dir+"/chdb", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.store = store
	t.Cleanup(func() {
		if r.proc != nil && !r.proc.Exited() {
			if err := r.proc.Stop(time.Minute); err != nil {
				t.Errorf("stop collector: %v", err)
			}
		}
		if err := store.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	r.startCollector()
	return r
}

// startCollector starts (or restarts, over the same persistent queue) the
// collector binary and waits until it is healthy.
func (r *failureRig) startCollector() {
	r.t.Helper()
	endpoint, compression := r.store.URL(), "none" // lz4 over HTTP to the embedded server: see the exporter README
	env := append(r.ports.Env(r.dir),
		"KAIZEN_CLICKHOUSE_ENDPOINT="+endpoint,
		"KAIZEN_CLICKHOUSE_USER="+r.store.Writer().Name,
		"KAIZEN_CLICKHOUSE_PASSWORD="+r.store.Writer().Password,
		"KAIZEN_CLICKHOUSE_COMPRESSION="+compression,
		"KAIZEN_CLICKHOUSE_TTL=0s")
	p, err := e2e.StartProcess(r.bin, []string{serverConfig, retryOverride}, env, r.dir+"/collector.log")
	if err != nil {
		r.t.Fatal(err)
	}
	r.proc = p
	if err := p.WaitHealthy(context.Background(), r.ports.Health, time.Minute); err != nil {
		r.t.Fatal(err)
	}
}

// load runs SteadyLoad in the background until the returned stop is called.
func (r *failureRig) load(seed uint32) (acked *e2e.Acked, stop func()) {
	sender, err := e2e.NewSender(r.ports.GRPC)
	if err != nil {
		r.t.Fatal(err)
	}
	acked = e2e.NewAcked()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { e2e.SteadyLoad(ctx, sender, e2e.NewBatches(seed, 2048), 20, 25*time.Millisecond, acked) })
	return acked, func() { cancel(); wg.Wait(); sender.Close() }
}

// waitStored waits until every wanted span is stored (and every wanted
// GenAI span in llm_calls) and returns the rows per span in each table,
// counted over the whole tables; summary describes the load for a failure.
func (r *failureRig) waitStored(want, wantGenAI map[e2e.SpanKey]bool, summary string, timeout time.Duration) (spans, calls map[e2e.SpanKey]uint64) {
	r.t.Helper()
	conn, err := e2e.Open(r.store.Addr(), "kaizen", r.store.Writer())
	if err != nil {
		r.t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	deadline := time.Now().Add(timeout)
	for {
		if spans, err = e2e.SpanCounts(ctx, conn, "otel_traces"); err != nil {
			r.t.Fatal(err)
		}
		if calls, err = e2e.SpanCounts(ctx, conn, "llm_calls"); err != nil {
			r.t.Fatal(err)
		}
		missing, missingCalls := countMissing(want, spans), countMissing(wantGenAI, calls)
		if missing == 0 && missingCalls == 0 {
			return spans, calls
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("after %s: %d of %d acknowledged spans and %d of %d GenAI calls not stored (%s)\n%s",
				timeout, missing, len(want), missingCalls, len(wantGenAI), summary, r.proc.LogTail(20))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func countMissing(want map[e2e.SpanKey]bool, got map[e2e.SpanKey]uint64) int {
	n := 0
	for k := range want {
		if got[k] == 0 {
			n++
		}
	}
	return n
}

// duplicates returns the rows beyond the first per span, and the total rows.
func duplicates(rows map[e2e.SpanKey]uint64) (dups, total uint64) {
	for _, n := range rows {
		total += n
		dups += n - 1
	}
	return dups, total
}

// TestClickHouseOutage: ClickHouse goes down for 30 s under steady load and
// comes back; every span the collector acknowledged is stored exactly once
// (counted per SpanId over the whole table, in both tables).
func TestClickHouseOutage(t *testing.T) { clickHouseOutage(t, newFailureRig(t)) }

func clickHouseOutage(t *testing.T, r *failureRig) {
	acked, stop := r.load(1)
	time.Sleep(2 * time.Second)
	if err := r.store.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(outage)
	if err := r.store.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	stop()
	want, wantGenAI := acked.Expect()
	spans, calls := r.waitStored(want, wantGenAI, acked.String(), 2*time.Minute)
	spanDups, spanRows := duplicates(spans)
	callDups, callRows := duplicates(calls)
	t.Logf("%s; stored %d otel_traces rows for %d spans, %d llm_calls rows for %d calls", acked, spanRows, len(spans), callRows, len(calls))
	if spanDups != 0 || callDups != 0 {
		t.Errorf("duplicates after the outage: %d otel_traces rows, %d llm_calls rows", spanDups, callDups)
	}
	if len(spans) != len(want) {
		t.Errorf("stored %d distinct spans, acknowledged %d", len(spans), len(want))
	}
}

// TestKillAndRestart: the collector is SIGKILLed mid-load twice, once with
// ClickHouse up and once during an outage (so the persistent queue holds
// acknowledged spans at the kill), and restarted over the same queue; the
// clients retry every request until it is acknowledged, as SDKs do. Every
// span sent is stored exactly once, counted as any reader would — plain
// count() over each table and over insert-time rollups (materialized views,
// as dashboards add) — although the queue replays requests merged into
// other batches than before the kill, whose dedup tokens ClickHouse cannot
// match, and clients resend requests the killed run had already queued.
func TestKillAndRestart(t *testing.T) { killAndRestart(t, newFailureRig(t)) }

func killAndRestart(t *testing.T, r *failureRig) {
	for _, table := range []string{"otel_traces", "llm_calls"} {
		if err := r.store.Exec(fmt.Sprintf("CREATE MATERIALIZED VIEW kaizen.%[1]s_rollup ENGINE = SummingMergeTree ORDER BY ServiceName "+
			"AS SELECT ServiceName, count() AS Rows FROM kaizen.%[1]s GROUP BY ServiceName", table)); err != nil {
			t.Fatal(err)
		}
	}
	sent, stop := r.retryingLoad(2, 3)
	time.Sleep(3 * time.Second)
	if err := r.proc.Kill(); err != nil {
		t.Fatal(err)
	}
	r.startCollector()
	time.Sleep(2 * time.Second)
	if err := r.store.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if err := r.proc.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := r.store.Start(); err != nil {
		t.Fatal(err)
	}
	r.startCollector()
	time.Sleep(2 * time.Second)
	stop()
	t.Log(sent)
	if sent.unacked > 0 {
		t.Fatalf("%d requests never acknowledged: what was sent is not known to be stored", sent.unacked)
	}
	wantSpans, wantCalls := sent.spans, sent.calls
	spans, calls := r.waitStored(wantSpans, wantCalls, sent.String(), 2*time.Minute)
	conn, err := e2e.Open(r.store.Addr(), "kaizen", r.store.Writer())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"otel_traces rows", "SELECT count() FROM otel_traces", len(wantSpans)},
		{"llm_calls rows", "SELECT count() FROM llm_calls", len(wantCalls)},
		{"otel_traces rollup", "SELECT sum(Rows) FROM otel_traces_rollup", len(wantSpans)},
		{"llm_calls rollup", "SELECT sum(Rows) FROM llm_calls_rollup", len(wantCalls)},
		{"distinct spans", "SELECT uniqExact(TraceId, SpanId) FROM otel_traces", len(wantSpans)},
		{"distinct calls", "SELECT uniqExact(TraceId, SpanId) FROM llm_calls", len(wantCalls)},
	} {
		var got uint64
		if err := conn.QueryRow(context.Background(), c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got != uint64(c.want) {
			t.Errorf("%s: %s = %d, want %d (sent)", c.what, c.query, got, c.want)
		}
	}
	if len(spans) != len(wantSpans) || len(calls) != len(wantCalls) {
		t.Errorf("stored %d spans and %d calls, sent %d and %d", len(spans), len(calls), len(wantSpans), len(wantCalls))
	}
	logData, err := os.ReadFile(r.dir + "/collector.log")
	if err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for _, line := range strings.Split(string(logData), "\n") {
		if strings.Contains(line, "rows already stored dropped") {
			dropped++
		}
	}
	t.Logf("%d batches had rows already stored dropped by the replay filter", dropped)
}

// sentLoad is what retryingLoad sent: every span (and GenAI span) of the
// requests the collector acknowledged, and how many requests were still
// unacknowledged when their retries gave up.
type sentLoad struct {
	mu               sync.Mutex
	spans, calls     map[e2e.SpanKey]bool
	requests         int
	retries, unacked int
}

func (s *sentLoad) record(b e2e.Batch, retries int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.retries += retries
	if err != nil {
		s.unacked++
		return
	}
	for _, k := range b.Spans {
		s.spans[k] = true
	}
	for _, k := range b.GenAI {
		s.calls[k] = true
	}
}

func (s *sentLoad) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%d requests (%d retries, %d never acknowledged), %d spans sent (%d GenAI)",
		s.requests, s.retries, s.unacked, len(s.spans), len(s.calls))
}

// retryRequestFor bounds how long one request is retried: long enough to
// outlast a restart of the collector.
const retryRequestFor = time.Minute

// retryingLoad runs one client per seed, each sending a 20-span request
// every 25 ms and retrying it every 100 ms until it is acknowledged, as an
// SDK's exporter does; stop ends the load once every client's last request
// is acknowledged or given up on.
func (r *failureRig) retryingLoad(seeds ...uint32) (sent *sentLoad, stop func()) {
	sent = &sentLoad{spans: map[e2e.SpanKey]bool{}, calls: map[e2e.SpanKey]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, seed := range seeds {
		sender, err := e2e.NewSender(r.ports.GRPC)
		if err != nil {
			r.t.Fatal(err)
		}
		batches := e2e.NewBatches(seed, 2048)
		wg.Go(func() {
			defer func() { _ = sender.Close() }()
			for ctx.Err() == nil {
				batch := batches.Next(20)
				retries, err := sendUntilAcked(sender, batch)
				sent.record(batch, retries, err)
				time.Sleep(25 * time.Millisecond)
			}
		})
	}
	return sent, func() { cancel(); wg.Wait() }
}

// sendUntilAcked sends b until the collector acknowledges it or
// retryRequestFor has passed, and returns how many retries it took.
func sendUntilAcked(s *e2e.Sender, b e2e.Batch) (retries int, err error) {
	deadline := time.Now().Add(retryRequestFor)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = s.Send(ctx, b.Traces)
		cancel()
		if err == nil || time.Now().After(deadline) {
			return retries, err
		}
		retries++
		time.Sleep(100 * time.Millisecond)
	}
}
