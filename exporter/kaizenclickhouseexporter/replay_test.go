package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// request is workflowTraces (8 spans, 4 GenAI calls) with ids unique to
// seed: one request of the persistent queue.
func request(seed byte) ptrace.Traces {
	td := workflowTraces()
	for _, span := range allSpans(td) {
		tid, sid, pid := span.TraceID(), span.SpanID(), span.ParentSpanID()
		tid[1], sid[1] = seed, seed
		span.SetTraceID(tid)
		span.SetSpanID(sid)
		if !pid.IsEmpty() {
			pid[1] = seed
			span.SetParentSpanID(pid)
		}
	}
	return td
}

// freshen moves td's spans past the start's clock skew allowance: spans
// that end after the exporter started cannot be replays, so they are not
// checked.
func freshen(td ptrace.Traces) ptrace.Traces {
	shift := time.Since(base) + 2*clockSkew
	for _, span := range allSpans(td) {
		span.SetStartTimestamp(pcommon.NewTimestampFromTime(span.StartTimestamp().AsTime().Add(shift)))
		span.SetEndTimestamp(pcommon.NewTimestampFromTime(span.EndTimestamp().AsTime().Add(shift)))
	}
	return td
}

func allSpans(td ptrace.Traces) []ptrace.Span {
	var out []ptrace.Span
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				out = append(out, span)
			}
		}
	}
	return out
}

// merged is the batch the queue's batcher makes of requests.
func merged(reqs ...ptrace.Traces) ptrace.Traces {
	td := ptrace.NewTraces()
	for _, r := range reqs {
		c := ptrace.NewTraces()
		r.CopyTo(c)
		c.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	}
	return td
}

// runExporter starts one collector run's exporter on db. Tests call
// pushTraces directly, as the queue's consumers do, to choose each batch;
// a run that is not shut down is abandoned as a SIGKILL would.
func runExporter(t testing.TB, db string, es exporter.Settings) *chExporter {
	t.Helper()
	e, err := newExporter(testConfig(db), es)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = e.conn.Close() })
	return e
}

func push(t testing.TB, e *chExporter, td ptrace.Traces) {
	t.Helper()
	if err := e.pushTraces(context.Background(), td); err != nil {
		t.Fatalf("push: %v", err)
	}
}

// crashedRun is a collector run that pushes one batch and is killed after
// the inserts into every table but uncommitted committed.
type crashedRun struct {
	batch       ptrace.Traces
	uncommitted []string
}

// breakInserts makes every insert of w fail.
func breakInserts(w *tableWriter) {
	w.insert = strings.Replace(w.insert, "`"+w.table+"`", "`"+w.table+"_gone`", 1)
}

func (cr crashedRun) run(t *testing.T, db string) {
	t.Helper()
	e := runExporter(t, db, nopSettings())
	for _, w := range []*tableWriter{e.traces, e.calls} {
		if slices.Contains(cr.uncommitted, w.table) { // as if killed before that insert committed
			breakInserts(w)
		}
	}
	if err := e.pushTraces(context.Background(), cr.batch); (err != nil) != (len(cr.uncommitted) > 0) {
		t.Fatalf("push before the crash: %v, want a failure in %v", err, cr.uncommitted)
	}
}

// referenceDB stores each request once through an exporter without a
// queue: the content every crash scenario must end with.
func referenceDB(t *testing.T, reqs ...ptrace.Traces) string {
	db := chtest.NewDatabase(t)
	exp := startExporter(t, testConfig(db), nopSettings())
	for _, td := range reqs {
		if err := exp.ConsumeTraces(context.Background(), td); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// dump returns a table's rows, every column, in id order.
func dump(t *testing.T, db, table string) []string {
	return query(t, fmt.Sprintf("SELECT * FROM %s.%s ORDER BY TraceId, SpanId", db, table))
}

var replayTables = []string{schema.TableTraces, schema.TableLLMCalls}

// rollupDB returns a new database with the schema and insert-time rollups
// of both tables, as dashboards would add: a replayed row that reached a
// table would be counted there again.
func rollupDB(t *testing.T) string {
	db := chtest.NewDatabase(t)
	if err := runExporter(t, db, nopSettings()).shutdown(context.Background()); err != nil { // applies the migrations
		t.Fatal(err)
	}
	for _, table := range replayTables {
		chtest.Exec(t, fmt.Sprintf("CREATE MATERIALIZED VIEW %[1]s.%[2]s_rollup ENGINE = SummingMergeTree ORDER BY ServiceName "+
			"AS SELECT ServiceName, count() AS Rows FROM %[1]s.%[2]s GROUP BY ServiceName", db, table))
	}
	return db
}

// assertSameRows checks that db holds exactly ref's rows in both tables,
// and that its rollups count each once: nothing lost, nothing twice.
func assertSameRows(t *testing.T, db, ref string) {
	t.Helper()
	for _, table := range replayTables {
		want := chtest.Scalar(t, fmt.Sprintf("SELECT count() FROM %s.%s", ref, table))
		if got := chtest.Scalar(t, fmt.Sprintf("SELECT count() FROM %s.%s", db, table)); got != want {
			t.Errorf("%s: count() = %s, want %s", table, got, want)
		}
		if got := chtest.Scalar(t, fmt.Sprintf("SELECT sum(Rows) FROM %s.%s_rollup", db, table)); got != want {
			t.Errorf("%s_rollup: sum(Rows) = %s, want %s", table, got, want)
		}
		assertRows(t, table, dump(t, db, table), dump(t, ref, table))
	}
}

// TestExactlyOnceAfterCrash: run #1 pushes requests A and B merged into one
// batch and is killed before the queue removes them; run #2, on the same
// database, gets them replayed in other batches (A with the new request C,
// then B alone), which ClickHouse's deduplication tokens cannot match.
// Every span must be stored once in otel_traces, every call once in
// llm_calls, and counted once by the rollups.
func TestExactlyOnceAfterCrash(t *testing.T) {
	a, b, c := request(1), request(2), request(3)
	ref := referenceDB(t, a, b, c)
	tests := []struct {
		name string
		// crashed are the runs killed after pushing one batch each.
		crashed []crashedRun
		// replay is what the last run pushes: the queue's replays in new
		// batches.
		replay []ptrace.Traces
		// wantDropped is how many replayed rows per table the filter
		// dropped as already stored.
		wantDropped map[string]int64
	}{{
		name:        "both tables stored",
		crashed:     []crashedRun{{batch: merged(a, b)}},
		replay:      []ptrace.Traces{merged(a, c), b},
		wantDropped: map[string]int64{"otel_traces": 16, "llm_calls": 8},
	}, {
		name:        "only otel_traces stored",
		crashed:     []crashedRun{{batch: merged(a, b), uncommitted: []string{"llm_calls"}}},
		replay:      []ptrace.Traces{merged(a, c), b},
		wantDropped: map[string]int64{"otel_traces": 16},
	}, {
		name:    "nothing stored",
		crashed: []crashedRun{{batch: merged(a, b), uncommitted: []string{"llm_calls", "otel_traces"}}},
		replay:  []ptrace.Traces{merged(a, c), b},
	}, {
		name:    "second crash during the replay",
		crashed: []crashedRun{{batch: merged(a, b)}, {batch: merged(a, c)}},
		// The queue replays A and C again, and B that was still queued.
		replay:      []ptrace.Traces{merged(c, b), a},
		wantDropped: map[string]int64{"otel_traces": 24, "llm_calls": 12},
	}, {
		name:        "replays of one request merged into one batch",
		crashed:     []crashedRun{{batch: a}},
		replay:      []ptrace.Traces{merged(a, b, a, c, b)},
		wantDropped: map[string]int64{"otel_traces": 24, "llm_calls": 12},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := rollupDB(t)
			for _, cr := range tt.crashed {
				cr.run(t, db)
			}
			tel := componenttest.NewTelemetry()
			t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
			es := nopSettings()
			es.TelemetrySettings = tel.NewTelemetrySettings()
			e := runExporter(t, db, es)
			for _, td := range tt.replay {
				push(t, e, td)
			}
			assertSameRows(t, db, ref)
			if len(tt.wantDropped) == 0 {
				if _, err := tel.GetMetric(metricRowsDedup); err == nil {
					t.Errorf("%s recorded, nothing was stored before the crash", metricRowsDedup)
				}
			}
			for table, want := range tt.wantDropped {
				assertSum(t, tel, metricRowsDedup, attribute.String("table", table), want)
			}
			if err := e.shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestConcurrentReplays: the same replayed request in pushes running at once
// (a queue replay and a client's retry of it) is stored once.
func TestConcurrentReplays(t *testing.T) {
	a, b, c := request(1), request(2), request(3)
	db := rollupDB(t)
	e := runExporter(t, db, nopSettings())
	var wg sync.WaitGroup
	for _, td := range []ptrace.Traces{merged(a, b), merged(a, c), merged(b, a), a} {
		wg.Go(func() {
			if err := e.pushTraces(context.Background(), td); err != nil {
				t.Errorf("push: %v", err)
			}
		})
	}
	wg.Wait()
	assertSameRows(t, db, referenceDB(t, a, b, c))
}

// TestReplayCandidates: only rows of spans that ended before the start
// (plus the clock skew allowance) are checked.
func TestReplayCandidates(t *testing.T) {
	started := time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		start    time.Time
		duration time.Duration
		checked  bool
	}{
		{"ended an hour before the start", started.Add(-time.Hour), time.Second, true},
		{"ended within the clock skew after the start", started.Add(30 * time.Second), time.Second, true},
		{"ended after the clock skew", started.Add(2 * time.Minute), time.Second, false},
		{"started before, ended after", started.Add(-time.Hour), 2 * time.Hour, false},
		{"no timestamps", time.Unix(0, 0), 0, true},
	}
	b := tableBatch{}
	for _, tt := range tests {
		b.start = append(b.start, tt.start)
		b.duration = append(b.duration, uint64(tt.duration))
	}
	got := b.candidates(newReplayFilter(nil, "", started).cutoff)
	for i, tt := range tests {
		if slices.Contains(got, i) != tt.checked {
			t.Errorf("%s: checked = %v, want %v", tt.name, !tt.checked, tt.checked)
		}
	}
}

// TestReplayCheckFails: a push whose rows cannot be checked fails
// (retryable) before inserting anything; fresh spans need no check.
func TestReplayCheckFails(t *testing.T) {
	db := chtest.NewDatabase(t)
	e := runExporter(t, db, nopSettings())
	e.replays.database = db + "_gone"
	err := e.pushTraces(context.Background(), request(1))
	if err == nil || !strings.Contains(err.Error(), "replay check: check which of 8 rows otel_traces already holds, nothing inserted") {
		t.Fatalf("want a replay check error, got %v", err)
	}
	if consumererror.IsPermanent(err) {
		t.Error("a failed replay check must be retryable")
	}
	assertCount(t, db, "otel_traces", 0)
	assertCount(t, db, "llm_calls", 0)
	push(t, e, freshen(request(2)))
	assertCount(t, db, "otel_traces", 8)
	e.replays.database = db
	push(t, e, request(1))
	assertCount(t, db, "otel_traces", 16)
	assertCount(t, db, "llm_calls", 8)
}
