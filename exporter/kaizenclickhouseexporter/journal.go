package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"
)

// journalStorageName is the storage client name of the insert journal,
// beside the persistent queue's ("traces") in the same extension.
const journalStorageName = "insert_journal"

// storedRows answers which journaled rows a table already holds.
type storedRows interface {
	stored(ctx context.Context, table string, t tableIDs) ([]rowID, error)
}

// insertJournal makes a persistent queue's replays after a crash store
// every row once (README, "Exactly once after a crash"). Before a push's
// inserts it records the push's row ids in a ring of storage slots; at the
// next start it asks ClickHouse which of them are stored, and pushes then
// drop those rows when the queue replays them merged into other batches.
// A nil *insertJournal (no persistent queue) does nothing.
type insertJournal struct {
	client storage.Client
	logger *zap.Logger
	tel    *telemetry
	lookup storedRows
	ring   *journalRing
	bound  int64
	// target is the ClickHouse this run writes to; records of another
	// target are discarded at start (journal_recover.go).
	target journalTarget
	// retries is whether the exporter retries a failed push
	// (retry_on_failure); without, every push ends with its first attempt.
	retries bool
	// set is the recovered set; nil when empty (the normal case).
	set atomic.Pointer[recoveredSet]
	// recovered is set once the slots of the previous run are resolved;
	// until then pushes try again and fail (retryable) if they cannot.
	recovered atomic.Bool
	recoverMu sync.Mutex
	checked   [numTables]checkProgress // of an unfinished recovery, under recoverMu
	// warnedTargets is set once records of another target were reported,
	// so a recovery retried before each push warns once; under recoverMu.
	warnedTargets bool
}

// openJournal opens the journal in the persistent queue's storage
// extension and resolves what the previous run left in it. It returns nil
// when the queue is not persistent. If ClickHouse cannot answer now, the
// resolution is retried before each push, which fails until it succeeds.
func openJournal(ctx context.Context, host component.Host, id component.ID, cfg *Config, logger *zap.Logger, tel *telemetry, lookup storedRows) (*insertJournal, error) {
	q := cfg.QueueConfig.Get()
	if q == nil || q.StorageID == nil {
		return nil, nil
	}
	ext, ok := host.GetExtensions()[*q.StorageID]
	if !ok {
		return nil, fmt.Errorf("insert journal: storage extension %s (sending_queue.storage) is not configured in service.extensions", q.StorageID)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("insert journal: extension %s (sending_queue.storage) is not a storage extension", q.StorageID)
	}
	client, err := se.GetClient(ctx, component.KindExporter, id, journalStorageName)
	if err != nil {
		return nil, fmt.Errorf("insert journal: open storage client %q of %s: %w", journalStorageName, q.StorageID, err)
	}
	j := &insertJournal{
		client: client, logger: logger, tel: tel, lookup: lookup,
		ring:  newJournalRing(min(max(minJournalSlots, journalSlotsPerPush*q.NumConsumers), maxJournalSlots)),
		bound: replayBound(q), retries: cfg.BackOffConfig.Enabled, target: targetOf(cfg),
	}
	if j.retries {
		j.ring.giveUp = cfg.BackOffConfig.MaxElapsedTime
	}
	if err := j.ensureRecovered(ctx); err != nil {
		logger.Warn("insert journal: cannot check yet which rows journaled before the restart are stored; pushes are retried until it can", zap.Error(err))
	}
	return j, nil
}

// pushPlan is one push as inserted: both tables' batches, minus the rows
// already stored before a restart.
type pushPlan struct {
	tables [numTables]tableBatch
	key    string // both tables' tokens before dropping: equal across retries
	slot   int    // journal slot, -1 without a journal
	spans  int
	set    *recoveredSet
	hits   [numTables][]rowID
}

// begin journals a push's rows and drops those already stored. A journal
// that cannot be written fails the push (retryable) before any insert.
func (j *insertJournal) begin(ctx context.Context, r *rows) (pushPlan, error) {
	p := pushPlan{tables: r.batches(), slot: -1}
	if j == nil {
		return p, nil
	}
	if err := j.ensureRecovered(ctx); err != nil {
		return p, fmt.Errorf("insert journal: rows journaled before the restart are not checked yet, nothing inserted (retried): %w", err)
	}
	ids, err := r.journalIDs()
	if err != nil {
		return p, fmt.Errorf("insert journal: %w", err)
	}
	p.key = p.tables[tabTraces].token + " " + p.tables[tabCalls].token
	p.spans = r.traces.len() + len(r.rejected)
	slot, write := j.ring.acquire(p.key)
	if write {
		rec := journalRecord{written: time.Now(), ring: uint32(len(j.ring.slots)), target: j.target, tables: ids}
		if err := j.client.Set(ctx, slotKey(slot), rec.marshal()); err != nil {
			j.ring.release(slot, p.key, true)
			return p, fmt.Errorf("insert journal: write %s, nothing inserted (retried): %w", slotKey(slot), err)
		}
		j.ring.written(slot, p.key)
	}
	p.slot = slot
	if s := j.set.Load(); s != nil {
		p.set = s
		p.hits = s.filter(p.key, &ids, &p.tables)
	}
	return p, nil
}

// end records a push's outcome: a push that succeeded or will not be
// retried (a permanent error, or no retry_on_failure) unpins its slot; rows dropped by a successful push are counted and
// logged; the recovered set is forgotten once it has served its purpose.
func (j *insertJournal) end(ctx context.Context, p *pushPlan, err error) {
	if j == nil || p.slot < 0 {
		return
	}
	final := err == nil || !j.retries || consumererror.IsPermanent(err)
	j.ring.release(p.slot, p.key, final)
	if p.set == nil {
		return
	}
	if n := len(p.hits[tabTraces]) + len(p.hits[tabCalls]); n > 0 && err == nil {
		fields := make([]zap.Field, 0, numTables)
		for t, hits := range p.hits {
			j.tel.recordDeduplicated(ctx, journalTables[t], len(hits))
			fields = append(fields, zap.Int(journalTables[t], len(hits)))
		}
		j.logger.Info("rows stored before the restart dropped from a replayed batch (insert journal)", fields...)
	}
	if p.set.done(p.key, &p.hits, p.spans, err == nil, final) && j.set.CompareAndSwap(p.set, nil) {
		if err := j.client.Delete(ctx, recoveredKey); err != nil {
			j.logger.Warn("insert journal: cannot delete "+recoveredKey+"; it is read again at the next start (harmless)", zap.Error(err))
		}
		j.logger.Info("insert journal: replay after the restart is over; recovered rows forgotten")
	}
}

// close deletes the slots of pushes that are over (at shutdown the queue
// has removed their requests: they cannot be replayed) and closes the
// storage client. While a push is still to be retried every slot stays for
// the next start: a request split across it and finished pushes is
// replayed whole.
func (j *insertJournal) close(ctx context.Context) error {
	if j == nil {
		return nil
	}
	var ops []*storage.Operation
	for _, slot := range j.ring.finished() {
		ops = append(ops, storage.DeleteOperation(slotKey(slot)))
	}
	var delErr error
	if len(ops) > 0 {
		delErr = j.client.Batch(ctx, ops...)
	}
	if err := j.client.Close(ctx); err != nil {
		return fmt.Errorf("insert journal: close storage client: %w", err)
	}
	if delErr != nil {
		return fmt.Errorf("insert journal: delete finished slots: %w", delErr)
	}
	return nil
}
