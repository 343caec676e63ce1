package kaizenclickhouseexporter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestJournalRing(t *testing.T) {
	r := newJournalRing(3)
	take := func(key string) (int, bool) {
		slot, write := r.acquire(key)
		if write {
			r.written(slot, key)
		}
		return slot, write
	}
	steps := []struct {
		do        func() (int, bool)
		wantSlot  int
		wantWrite bool
	}{
		{func() (int, bool) { return take("a") }, 0, true},
		{func() (int, bool) { return take("b") }, 1, true},
		{func() (int, bool) { return take("a") }, 0, false}, // retry of a: same slot, not rewritten
		{func() (int, bool) { r.release(1, "b", true); return take("c") }, 2, true},
		{func() (int, bool) { return take("d") }, 1, true}, // 0 is still pinned (a awaits a retry)
		{func() (int, bool) { return take("e") }, 0, true}, // all pinned: least recently used
		{func() (int, bool) { r.release(2, "c", false); return take("f") }, 2, true},
	}
	for i, s := range steps {
		slot, write := s.do()
		if slot != s.wantSlot || write != s.wantWrite {
			t.Errorf("step %d: slot %d write %t, want %d %t", i, slot, write, s.wantSlot, s.wantWrite)
		}
	}
	// A failed write frees its slot for the next push.
	r2 := newJournalRing(2)
	slot, _ := r2.acquire("x")
	r2.release(slot, "x", true)
	if got := r2.finished(); len(got) != 0 {
		t.Errorf("unwritten slot reported finished: %v", got)
	}
	if _, write := r2.acquire("x"); !write {
		t.Error("a push whose journal write failed must write again")
	}
}

// TestJournalRingLateRelease: when every slot is pinned, a new push takes
// the least recently used slot, possibly one whose push is still running;
// that push's end must not unpin or free the slot's new owner, or a third
// push would overwrite the journal of a push still in flight.
func TestJournalRingLateRelease(t *testing.T) {
	for _, final := range []bool{true, false} {
		r := newJournalRing(3)
		for _, key := range []string{"a", "b", "c"} {
			slot, _ := r.acquire(key)
			r.written(slot, key)
		}
		slot, _ := r.acquire("e") // all pinned: takes a's slot 0
		if slot != 0 {
			t.Fatalf("e took slot %d, want 0", slot)
		}
		r.release(0, "a", final) // a's push ends after losing its slot
		r.written(0, "e")
		if got, _ := r.acquire("f"); got == 0 {
			t.Errorf("final %t: f took slot 0, still pinned by e", final)
		}
		if got := r.finished(); len(got) != 0 {
			t.Errorf("final %t: slots %v reported finished, all are pinned", final, got)
		}
	}
}

// TestJournalAbandonedRetry: a push whose retries gave up (no attempt
// for longer than max_elapsed_time since its first: the queue dropped it)
// neither pins its slot nor keeps the recovered set; one still retried, or
// in an attempt, does.
func TestJournalAbandonedRetry(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := retryClock{giveUp: time.Minute, now: func() time.Time { return now }}
	r := newJournalRing(2)
	r.retryClock = clock
	slot, _ := r.acquire("a")
	r.written(slot, "a")
	r.release(slot, "a", false) // failed, to be retried
	now = now.Add(50 * time.Second)
	if got := r.finished(); got != nil {
		t.Errorf("finished %v while a awaits a retry", got)
	}
	r.acquire("a") // the retry's attempt
	now = now.Add(time.Hour)
	if got := r.finished(); got != nil {
		t.Errorf("finished %v while a's attempt runs", got)
	}
	r.release(slot, "a", false) // past max_elapsed_time: no retry follows
	if got := r.finished(); !slices.Equal(got, []int{slot}) {
		t.Errorf("finished %v, want [%d]: a's retries gave up", got, slot)
	}

	rec := journalRecord{}
	rec.tables[tabTraces].ids = ids(2, 1)
	s := newRecoveredSet(&rec, 0)
	s.retryClock = clock
	hits := &[numTables][]rowID{rec.tables[tabTraces].ids}
	s.pending["p1"] = retryState{first: now, running: 1} // as filter does
	if s.done("p1", hits, 2, false, false) {
		t.Error("set forgotten while p1 awaits a retry")
	}
	now = now.Add(2 * time.Minute)
	if !s.done("p2", hits, 2, true, true) {
		t.Error("set kept for p1, whose retries gave up, after every row was seen")
	}
}

func ids(n int, base byte) []rowID {
	out := make([]rowID, n)
	for i := range out {
		out[i][0], out[i][23] = base, byte(i)
	}
	return out
}

// TestRecoveredSetForgetting: the set is forgotten when every row was seen
// again or after the replay bound, never while a push that dropped rows
// may be retried.
func TestRecoveredSetForgetting(t *testing.T) {
	stored := ids(4, 1)
	rec := journalRecord{}
	rec.tables[tabTraces].ids = stored
	rec.tables[tabCalls].ids = stored[:1]
	hits := func(tr, calls []rowID) *[numTables][]rowID { return &[numTables][]rowID{tr, calls} }
	type step = struct {
		key            string
		hits           *[numTables][]rowID
		spans          int
		success, final bool
		wantForgotten  bool
	}
	cases := []struct {
		name  string
		bound int64
		steps []step
	}{
		{"all seen", 0, []step{
			{"p1", hits(stored[:2], stored[:1]), 10, true, true, false},
			{"p2", hits(stored[2:], nil), 10, true, true, true},
		}},
		{"retry keeps the set", 0, []step{
			{"p1", hits(stored[:2], stored[:1]), 10, false, false, false}, // fails, will be retried
			{"p2", hits(stored[2:], nil), 10, true, true, false},          // all seen, but p1 pending
			{"p1", hits(stored[:2], stored[:1]), 10, true, true, true},    // p1's retry succeeds
		}},
		{"bound", 25, []step{
			{"p1", hits(stored[:1], nil), 10, true, true, false},
			{"p2", hits(nil, nil), 10, true, true, false},
			{"p3", hits(nil, nil), 10, false, true, false}, // a permanent failure counts nothing
			{"p4", hits(nil, nil), 10, true, true, true},
		}},
		{"no bound for a requests-sized queue", 0, []step{
			{"p1", hits(nil, nil), 1 << 30, true, true, false},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newRecoveredSet(&rec, tc.bound)
			for i, st := range tc.steps {
				if len(st.hits[tabTraces])+len(st.hits[tabCalls]) > 0 {
					s.pending[st.key] = retryState{} // as filter does
				}
				if got := s.done(st.key, st.hits, st.spans, st.success, st.final); got != st.wantForgotten {
					t.Errorf("step %d (%s): forgotten %t, want %t", i, st.key, got, st.wantForgotten)
				}
			}
		})
	}
}

func TestReplayBound(t *testing.T) {
	q := exporterhelper.NewDefaultQueueConfig()
	q.QueueSize = 1000
	for sizer, want := range map[exporterhelper.RequestSizerType]int64{
		exporterhelper.RequestSizerTypeItems:    2000,
		exporterhelper.RequestSizerTypeBytes:    2000 / minSpanProtoBytes,
		exporterhelper.RequestSizerTypeRequests: 0,
	} {
		q.Sizer = sizer
		if got := replayBound(&q); got != want {
			t.Errorf("%v: %d, want %d", sizer, got, want)
		}
	}
}

// failingLookup fails with err (default: a network error) until ok is set.
type failingLookup struct {
	ok  bool
	err error
}

func (f *failingLookup) stored(_ context.Context, _ string, t tableIDs) ([]rowID, error) {
	if !f.ok {
		return nil, cmp.Or(f.err, errors.New("connection refused"))
	}
	return t.ids, nil
}

func journalConfig(numConsumers int) *Config {
	cfg := createDefaultConfig().(*Config)
	q := exporterhelper.NewDefaultQueueConfig()
	q.StorageID = &testStorageID
	q.NumConsumers = numConsumers
	cfg.QueueConfig = configoptional.Some(q)
	return cfg
}

// openTestJournal opens the journal of an exporter configured by cfg on
// host.
func openTestJournal(tb testing.TB, host component.Host, logger *zap.Logger, lookup storedRows, cfg *Config) *insertJournal {
	tb.Helper()
	tel, err := newTelemetry(componenttest.NewNopTelemetrySettings())
	if err != nil {
		tb.Fatal(err)
	}
	j, err := openJournal(context.Background(), host, component.NewID(component.MustNewType("kaizenclickhouse")),
		cfg, logger, tel, lookup)
	if err != nil {
		tb.Fatal(err)
	}
	return j
}

// crashedJournal journals a push of workflowTraces on host and abandons
// the journal, as a killed collector would; it returns the push's rows.
func crashedJournal(t *testing.T, host component.Host) *rows {
	t.Helper()
	r := buildRows(workflowTraces(), DefaultMaxValueBytes, false)
	if _, err := openTestJournal(t, host, zap.NewNop(), &failingLookup{ok: true}, journalConfig(1)).begin(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestJournalRecoveryRetried: when ClickHouse cannot say at start which
// journaled rows it holds, the exporter starts, and pushes fail (retryable)
// until it can: nothing is inserted that could duplicate a stored row.
func TestJournalRecoveryRetried(t *testing.T) {
	host := newStorageHost(newMemStorage())
	r := crashedJournal(t, host)
	lookup := &failingLookup{}
	j2 := openTestJournal(t, host, zap.NewNop(), lookup, journalConfig(1)) // starts although ClickHouse cannot answer yet
	if _, err := j2.begin(context.Background(), r); err == nil || !strings.Contains(err.Error(), "not checked yet") {
		t.Fatalf("want the push to fail until the journal is checked, got %v", err)
	}
	lookup.ok = true
	p, err := j2.begin(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if p.tables[tabTraces].n != 0 || p.tables[tabCalls].n != 0 {
		t.Errorf("stored rows not dropped: %d spans, %d calls left", p.tables[tabTraces].n, p.tables[tabCalls].n)
	}
}

// TestJournalNoRetries: with retry_on_failure disabled a failed push is
// never retried (the queue drops it), so it must not pin its slot nor keep
// the recovered set from being forgotten.
func TestJournalNoRetries(t *testing.T) {
	host := newStorageHost(newMemStorage())
	r := crashedJournal(t, host)
	cfg := journalConfig(1)
	cfg.BackOffConfig.Enabled = false
	j := openTestJournal(t, host, zap.NewNop(), &failingLookup{ok: true}, cfg)
	s := j.set.Load()
	p, err := j.begin(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	j.end(context.Background(), &p, errors.New("connection reset")) // the queue drops the request
	if got := j.ring.finished(); !slices.Equal(got, []int{p.slot}) {
		t.Errorf("finished slots %v, want [%d]: a push never retried is over", got, p.slot)
	}
	if len(s.pending) != 0 {
		t.Errorf("pushes awaiting a retry: %v, want none", s.pending)
	}
}

// slowLookup answers that every row is stored, taking perChunk for each
// lookupChunk rows asked, and gives up when ctx ends.
type slowLookup struct{ perChunk time.Duration }

func (l slowLookup) stored(ctx context.Context, _ string, t tableIDs) ([]rowID, error) {
	select {
	case <-time.After(l.perChunk * time.Duration((len(t.ids)+lookupChunk-1)/lookupChunk)):
		return t.ids, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestJournalRecoveryProgress: a journal whose check takes longer than one
// push's timeout is still resolved: each attempt keeps what it checked, so
// pushes do not fail forever (and the queue does not drop them after its
// retries) because every attempt starts the check again.
func TestJournalRecoveryProgress(t *testing.T) {
	store := newMemStorage()
	host := newStorageHost(store)
	crashedJournal(t, host)
	rec := journalRecord{target: targetOf(journalConfig(1))} // a journal of 10000 spans, then "crash"
	for i, id := range ids(10000, 9) {
		id[1], id[2] = byte(i>>8), byte(i)
		rec.tables[tabTraces].add(id, int64(i))
	}
	store.set(slotKey(0), rec.marshal())

	lookup := slowLookup{perChunk: 20 * time.Millisecond}
	j := openTestJournal(t, host, zap.NewNop(), &failingLookup{}, journalConfig(1)) // ClickHouse down at start
	j.lookup = lookup
	var err error
	for range 20 {
		ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond) // the push timeout
		err = j.ensureRecovered(ctx)
		cancel()
		if err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("journal never checked: %v", err)
	}
	if s := j.set.Load(); s == nil || len(s.ids[tabTraces]) != 10000 {
		t.Fatalf("recovered set %v, want the 10000 stored rows", s)
	}
}

func TestJournalConfigErrors(t *testing.T) {
	id := component.NewID(component.MustNewType("kaizenclickhouse"))
	tel, _ := newTelemetry(componenttest.NewNopTelemetrySettings())
	notStorage := &storageHost{Host: componenttest.NewNopHost(), ext: map[component.ID]component.Component{testStorageID: struct {
		component.StartFunc
		component.ShutdownFunc
	}{}}}
	tests := []struct {
		name string
		host component.Host
		want string
	}{
		{"missing", componenttest.NewNopHost(), "storage extension queue_storage/test (sending_queue.storage) is not configured"},
		{"not a storage extension", notStorage, "is not a storage extension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openJournal(context.Background(), tt.host, id, journalConfig(1), zap.NewNop(), tel, &failingLookup{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	if j, err := openJournal(context.Background(), componenttest.NewNopHost(), id, createDefaultConfig().(*Config), zap.NewNop(), tel, nil); j != nil || err != nil {
		t.Errorf("an in-memory queue needs no journal: %v %v", j, err)
	}
	if j := openTestJournal(t, newStorageHost(newMemStorage()), zap.NewNop(), &failingLookup{ok: true}, journalConfig(40)); len(j.ring.slots) != 160 {
		t.Errorf("ring of %d slots for 40 consumers, want 160", len(j.ring.slots))
	}
}

// TestStoredLookup asks ClickHouse about more rows than one query names:
// exactly the stored (trace, span) pairs come back.
func TestStoredLookup(t *testing.T) {
	db := chtest.NewDatabase(t)
	e, err := newExporter(testConfig(db), nopSettings())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.shutdown(context.Background()) })
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	const n = 2500
	var want []rowID
	for i := range n {
		span := ss.Spans().AppendEmpty()
		tid, sid := pcommon.TraceID{0: byte(i >> 8), 1: byte(i), 15: 1}, pcommon.SpanID{0: byte(i), 7: 2}
		span.SetTraceID(tid)
		span.SetSpanID(sid)
		span.SetStartTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(i) * time.Second)))
		var id rowID
		copy(id[:16], tid[:])
		copy(id[16:], sid[:])
		want = append(want, id)
	}
	push(t, e, td)
	asked := tableIDs{}
	for i, id := range want {
		asked.add(id, base.Add(time.Duration(i)*time.Second).UnixNano())
	}
	other := want[7]
	other[23]++ // a stored trace, a span that is not stored
	asked.add(other, base.UnixNano())
	asked.add(ids(1, 0xee)[0], base.UnixNano()) // an unknown trace
	slices.SortFunc(asked.ids, compareRowIDs)

	lookup := &chStoredRows{conn: e.conn, database: db, logger: zap.NewNop()}
	got, err := lookup.stored(context.Background(), "otel_traces", asked)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, compareRowIDs)
	slices.SortFunc(want, compareRowIDs)
	if !slices.Equal(got, want) {
		t.Errorf("stored: %d ids, want the %d stored ones", len(got), len(want))
	}
}

// TestJournalCheckRejected: a server that rejects the check query (here a
// syntax error) does not block the pipeline: the journaled rows are not
// checked (so may be stored twice), an error is logged, and pushes go on
// dropping nothing.
func TestJournalCheckRejected(t *testing.T) {
	host := newStorageHost(newMemStorage())
	r := crashedJournal(t, host)
	core, logs := observer.New(zap.InfoLevel)
	rejected := &failingLookup{err: fmt.Errorf("query: %w", &clickhouse.Exception{Code: 62, Message: "Syntax error"})}
	p, err := openTestJournal(t, host, zap.New(core), rejected, journalConfig(1)).begin(context.Background(), r)
	if err != nil {
		t.Fatalf("a rejected check must not block pushes: %v", err)
	}
	if p.tables[tabTraces].n != 8 || p.tables[tabCalls].n != 4 {
		t.Errorf("rows dropped without a confirmation: %d spans, %d calls left", p.tables[tabTraces].n, p.tables[tabCalls].n)
	}
	if n := logs.FilterMessageSnippet("rejected the query").FilterLevelExact(zap.ErrorLevel).Len(); n != 2 {
		t.Errorf("want one error per table, got %d", n)
	}
}
