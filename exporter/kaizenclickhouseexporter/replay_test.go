package kaizenclickhouseexporter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kaizenhq/kaizen/exporter/kaizenclickhouseexporter/internal/metadata"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// request is workflowTraces (8 spans, 4 GenAI calls) with ids unique to
// seed: one request of the persistent queue.
func request(seed byte) ptrace.Traces {
	td := workflowTraces()
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				tid, sid, pid := span.TraceID(), span.SpanID(), span.ParentSpanID()
				tid[1], sid[1] = seed, seed
				span.SetTraceID(tid)
				span.SetSpanID(sid)
				if !pid.IsEmpty() {
					pid[1] = seed
					span.SetParentSpanID(pid)
				}
			}
		}
	}
	return td
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

// journalExporter starts an exporter on db with a persistent queue in the
// host's storage extension, so with an insert journal. Tests call
// pushTraces directly, as the queue's consumers do, to choose each batch.
func journalExporter(t testing.TB, db string, host component.Host, es exporter.Settings) *chExporter {
	t.Helper()
	cfg := testConfig(db)
	q := exporterhelper.NewDefaultQueueConfig()
	q.StorageID = &testStorageID
	cfg.QueueConfig = configoptional.Some(q)
	cfg.BackOffConfig.Enabled = true // a failed push is retried, as by default
	e, err := newExporter(cfg, es)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.start(context.Background(), host); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = e.conn.Close() })
	return e
}

// crash abandons e as a SIGKILL would: no shutdown, the journal left as it
// is; only its storage client is closed, as the dying process's file locks
// are released.
func crash(t testing.TB, e *chExporter) {
	t.Helper()
	if err := e.journal.client.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// journalSettings are the settings of the same exporter across restarts.
func journalSettings() exporter.Settings {
	es := nopSettings()
	es.ID = component.NewID(metadata.Type)
	return es
}

func push(t testing.TB, e *chExporter, td ptrace.Traces) {
	t.Helper()
	if err := e.pushTraces(context.Background(), td); err != nil {
		t.Fatalf("push: %v", err)
	}
}

// crashedRun is a collector run that pushes one batch and is killed, after
// the inserts into every table but uncommitted committed.
type crashedRun struct {
	batch       ptrace.Traces
	uncommitted []string
}

// breakInserts makes every insert of w fail.
func breakInserts(w *tableWriter) {
	w.insert = strings.Replace(w.insert, "`"+w.table+"`", "`"+w.table+"_gone`", 1)
}

func (cr crashedRun) run(t *testing.T, db string, host component.Host) {
	t.Helper()
	e := journalExporter(t, db, host, journalSettings())
	for _, w := range []*tableWriter{e.traces, e.calls} {
		if slices.Contains(cr.uncommitted, w.table) { // as if killed before that insert committed
			breakInserts(w)
		}
	}
	if err := e.pushTraces(context.Background(), cr.batch); (err != nil) != (len(cr.uncommitted) > 0) {
		t.Fatalf("push before the crash: %v, want a failure in %v", err, cr.uncommitted)
	}
	crash(t, e)
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

// assertSameRows checks that db holds exactly ref's rows in both tables:
// every span once, nothing lost, nothing stored twice.
func assertSameRows(t *testing.T, db, ref string) {
	t.Helper()
	for _, table := range journalTables {
		dups := chtest.Scalar(t, fmt.Sprintf("SELECT count() - uniqExact(TraceId, SpanId) FROM %s.%s", db, table))
		if dups != "0" {
			t.Errorf("%s: %s rows stored twice", table, dups)
		}
		assertRows(t, table, dump(t, db, table), dump(t, ref, table))
	}
}

// TestExactlyOnceAfterCrash: exporter #1 pushes requests A and B merged
// into one batch and crashes before the queue removes them; exporter #2,
// on the same storage and database, gets them replayed in other batches
// (A with the new request C, then B alone), which ClickHouse's
// deduplication tokens cannot match. Every span must be stored once in
// otel_traces and every call once in llm_calls.
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
		// wantDropped is how many replayed otel_traces rows the journal
		// dropped as already stored.
		wantDropped int64
	}{{
		name:        "both tables stored",
		crashed:     []crashedRun{{batch: merged(a, b)}},
		replay:      []ptrace.Traces{merged(a, c), b},
		wantDropped: 16,
	}, {
		name:        "only otel_traces stored",
		crashed:     []crashedRun{{batch: merged(a, b), uncommitted: []string{"llm_calls"}}},
		replay:      []ptrace.Traces{merged(a, c), b},
		wantDropped: 16,
	}, {
		name:    "nothing stored",
		crashed: []crashedRun{{batch: merged(a, b), uncommitted: []string{"llm_calls", "otel_traces"}}},
		replay:  []ptrace.Traces{merged(a, c), b},
	}, {
		name:    "second crash during the replay",
		crashed: []crashedRun{{batch: merged(a, b)}, {batch: merged(a, c)}},
		// The queue replays A and C again, and B that was still queued.
		replay:      []ptrace.Traces{merged(c, b), a},
		wantDropped: 24,
	}}
	for _, backend := range storageBackends {
		for _, tt := range tests {
			t.Run(backend.name+"/"+tt.name, func(t *testing.T) {
				db, run := chtest.NewDatabase(t), backend.runs(t)
				for _, cr := range tt.crashed {
					cr.run(t, db, run())
				}
				tel := componenttest.NewTelemetry()
				t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
				es := journalSettings()
				es.TelemetrySettings = tel.NewTelemetrySettings()
				e := journalExporter(t, db, run(), es)
				for _, td := range tt.replay {
					push(t, e, td)
				}
				assertSameRows(t, db, ref)
				// Every recovered row was seen again: the set is forgotten.
				if e.journal.set.Load() != nil {
					t.Error("recovered set not forgotten after the replay")
				}
				if v, err := e.journal.client.Get(context.Background(), recoveredKey); err != nil || v != nil {
					t.Errorf("%s still stored after the replay (%v)", recoveredKey, err)
				}
				if tt.wantDropped > 0 {
					assertSum(t, tel, metricRowsDedup, attribute.String("table", "otel_traces"), tt.wantDropped)
				} else if _, err := tel.GetMetric(metricRowsDedup); err == nil {
					t.Errorf("%s recorded, nothing was stored before the crash", metricRowsDedup)
				}
				if err := e.shutdown(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestCorruptJournalSlot: a damaged slot is reported and ignored: its rows
// cannot be checked, so a replay of them may be stored twice, but nothing
// is dropped and the exporter starts.
func TestCorruptJournalSlot(t *testing.T) {
	a, b, c := request(1), request(2), request(3)
	db, store := chtest.NewDatabase(t), newMemStorage()
	push(t, journalExporter(t, db, newStorageHost(store), journalSettings()), merged(a, b))
	store.set(slotKey(0), []byte("KZIJ\x01 torn"))

	core, logs := observer.New(zap.InfoLevel)
	es := journalSettings()
	es.Logger = zap.New(core)
	e := journalExporter(t, db, newStorageHost(store), es)
	if got := logs.FilterMessageSnippet("unreadable entry").FilterFieldKey("key").Len(); got != 1 {
		t.Errorf("want one error naming the corrupt slot, got %d: %v", got, logs.All())
	}
	if keys := store.keys("journal/"); len(keys) != 0 {
		t.Errorf("the corrupt slot is not cleared: %v", keys)
	}
	push(t, e, merged(a, c))
	push(t, e, b)
	for _, table := range journalTables {
		missing := chtest.Scalar(t, fmt.Sprintf("SELECT %d - uniqExact(TraceId, SpanId) FROM %s.%s",
			map[string]int{"otel_traces": 24, "llm_calls": 12}[table], db, table))
		if missing != "0" {
			t.Errorf("%s: %s rows missing", table, missing)
		}
	}
	if keys := store.keys(recoveredKey); len(keys) != 0 {
		t.Errorf("nothing was recovered, yet %v is stored", keys)
	}
}

// TestJournalWriteFailure: a push whose journal cannot be written fails
// (retryable) before inserting anything; the retry stores it.
func TestJournalWriteFailure(t *testing.T) {
	db, store := chtest.NewDatabase(t), newMemStorage()
	e := journalExporter(t, db, newStorageHost(store), journalSettings())
	store.setFailure(errors.New("disk full"))
	err := e.pushTraces(context.Background(), workflowTraces())
	if err == nil || !strings.Contains(err.Error(), "insert journal: write journal/0, nothing inserted") || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("want a journal write error, got %v", err)
	}
	if consumererror.IsPermanent(err) {
		t.Error("a journal write failure must be retryable")
	}
	assertCount(t, db, "otel_traces", 0)
	store.setFailure(nil)
	push(t, e, workflowTraces())
	assertCount(t, db, "otel_traces", 8)
	assertCount(t, db, "llm_calls", 4)
}

// TestJournalAfterShutdown: a clean shutdown clears the slots of finished
// pushes, so the next start has nothing to check and pushes drop nothing.
func TestJournalAfterShutdown(t *testing.T) {
	db, store := chtest.NewDatabase(t), newMemStorage()
	e := journalExporter(t, db, newStorageHost(store), journalSettings())
	push(t, e, request(1))
	if keys := store.keys("journal/"); len(keys) != 1 {
		t.Fatalf("journal keys after one push: %v", keys)
	}
	if err := e.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if keys := store.keys("journal/"); len(keys) != 0 {
		t.Fatalf("journal keys after shutdown: %v", keys)
	}
	e = journalExporter(t, db, newStorageHost(store), journalSettings())
	if e.journal.set.Load() != nil {
		t.Error("a recovered set after a clean shutdown")
	}
	push(t, e, request(1)) // a client resending: ClickHouse's token dedup, not the journal
	assertCount(t, db, "otel_traces", 8)

	// While a push is still to be retried at shutdown (the queue keeps its
	// requests for the next start) every slot stays: the batcher may have
	// split a request across it and the pushes that succeeded
	// (TestJournalShutdownSplitRequest).
	push(t, e, request(2))
	breakInserts(e.calls)
	if err := e.pushTraces(context.Background(), request(3)); err == nil {
		t.Fatal("the llm_calls insert should have failed")
	}
	if err := e.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if keys := store.keys("journal/"); len(keys) != 3 {
		t.Errorf("journal keys after shutdown with a push to retry: %v, want all 3 slots", keys)
	}
	e = journalExporter(t, db, newStorageHost(store), journalSettings())
	push(t, e, request(3))
	assertSameRows(t, db, referenceDB(t, request(1), request(2), request(3)))
}

// TestJournalShutdownSplitRequest: the queue's batcher splits a request
// that overflows a batch across two pushes and removes it only when both
// are done. If the first part succeeded and the second is still to be
// retried at a clean shutdown, the next start replays the whole request:
// the first part's slot must still be there so its rows are not stored
// twice.
func TestJournalShutdownSplitRequest(t *testing.T) {
	db, store := chtest.NewDatabase(t), newMemStorage()
	e := journalExporter(t, db, newStorageHost(store), journalSettings())
	push(t, e, request(2)) // first part of the split request
	breakInserts(e.calls)
	if err := e.pushTraces(context.Background(), request(3)); err == nil { // second part: to be retried
		t.Fatal("the llm_calls insert should have failed")
	}
	if err := e.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	e = journalExporter(t, db, newStorageHost(store), journalSettings())
	push(t, e, merged(request(2), request(3))) // the queue replays the whole request
	assertSameRows(t, db, referenceDB(t, request(2), request(3)))
}
