package kaizenclickhouseexporter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"
)

// recoveredKey holds the recovered set, so that a second crash during the
// replay does not forget which rows are stored.
const recoveredKey = "journal/recovered"

// ensureRecovered resolves the previous run's journal once.
func (j *insertJournal) ensureRecovered(ctx context.Context) error {
	if j.recovered.Load() {
		return nil
	}
	j.recoverMu.Lock()
	defer j.recoverMu.Unlock()
	if j.recovered.Load() {
		return nil
	}
	if err := j.recover(ctx); err != nil {
		return err
	}
	j.recovered.Store(true)
	return nil
}

// recover reads every slot and the recovered set left by the previous
// run, asks ClickHouse which of the slots' rows are stored, persists the
// union as the new recovered set, then clears the slots. A crash at any
// point leaves the slots or the set to be read again: nothing is lost.
func (j *insertJournal) recover(ctx context.Context) error {
	slots, old, oldCorrupt, err := j.readJournal(ctx)
	if err != nil {
		return err
	}
	if len(slots) == 0 && old == nil && !oldCorrupt {
		return nil
	}
	pushes := len(slots)
	old = j.screenTargets(slots, old, oldCorrupt)
	set := journalRecord{written: time.Now(), target: j.target}
	if old != nil {
		set.tables = old.tables
	}
	var asked, found [numTables]int
	for t := range set.tables {
		todo := unresolved(slots, t, set.tables[t].ids)
		if len(todo.ids) == 0 {
			continue
		}
		stored, err := j.checkStored(ctx, t, todo)
		if queryRejected(err) {
			// Retrying cannot help, and blocking every push would stop the
			// pipeline: fall back to at-least-once for these rows.
			j.logger.Error("insert journal: ClickHouse rejected the query checking which journaled rows are stored; they are not checked, so replays of them may be stored twice (nothing is dropped)",
				zap.String("table", journalTables[t]), zap.Int("rows", len(todo.ids)), zap.Error(err))
			continue
		}
		if err != nil {
			return fmt.Errorf("insert journal: check which of %d journaled rows %s holds: %w", len(todo.ids), journalTables[t], err)
		}
		asked[t], found[t] = len(todo.ids), len(stored)
		set.tables[t].merge(tableIDs{minTs: todo.minTs, maxTs: todo.maxTs, ids: stored})
	}
	if len(set.tables[tabTraces].ids)+len(set.tables[tabCalls].ids) > 0 {
		if old == nil || found[tabTraces]+found[tabCalls] > 0 { // else it is stored as it is
			if err := j.client.Set(ctx, recoveredKey, set.marshal()); err != nil {
				return fmt.Errorf("insert journal: write %s: %w", recoveredKey, err)
			}
		}
		rs := newRecoveredSet(&set, j.bound)
		rs.retryClock = j.ring.retryClock
		j.set.Store(rs)
		delete(slots, recoveredKey) // holds the new set
	} else if old != nil {
		slots[recoveredKey] = &journalRecord{} // an empty set: cleared with the slots
	}
	j.checked = [numTables]checkProgress{}
	if len(slots) > 0 {
		ops := make([]*storage.Operation, 0, len(slots))
		for key := range slots {
			ops = append(ops, storage.DeleteOperation(key))
		}
		if err := j.client.Batch(ctx, ops...); err != nil {
			return fmt.Errorf("insert journal: clear %d resolved slots: %w", len(slots), err)
		}
	}
	j.logger.Info("insert journal: rows of the pushes before the restart that are already stored will not be stored again",
		zap.Int("pushes", pushes),
		zap.String(journalTables[tabTraces], fmt.Sprintf("%d of %d stored", found[tabTraces], asked[tabTraces])),
		zap.String(journalTables[tabCalls], fmt.Sprintf("%d of %d stored", found[tabCalls], asked[tabCalls])),
		zap.Int("recovered_rows", len(set.tables[tabTraces].ids)+len(set.tables[tabCalls].ids)),
		zap.Int64("forgotten_after_spans", j.bound))
	return nil
}

// screenTargets makes the previous run's records safe for this run's
// target and returns the recovered set to keep (nil if none). A record of
// another target (endpoint hosts or database changed) is discarded: its
// rows may be stored twice in the old target's sense, but no row the new
// target does not hold is dropped; one warning per old target names both
// (without credentials), at the first attempt only. A version 1 (legacy) record names no target: a
// slot's rows are checked against this target, as every slot's are, and
// so are a legacy recovered set's, which cannot be trusted as it is.
// Discarded and corrupt entries become empty slots, cleared with the rest;
// recoveredKey among the slots is overwritten by the new set if there is
// one.
func (j *insertJournal) screenTargets(slots map[string]*journalRecord, old *journalRecord, oldCorrupt bool) *journalRecord {
	type discarded struct{ entries, rows int }
	others := map[journalTarget]*discarded{}
	discard := func(key string, rec *journalRecord) {
		d := others[rec.target]
		if d == nil {
			d = &discarded{}
			others[rec.target] = d
		}
		d.entries++
		d.rows += len(rec.tables[tabTraces].ids) + len(rec.tables[tabCalls].ids)
		slots[key] = &journalRecord{}
	}
	for key, rec := range slots {
		if !rec.legacy && rec.target.hash != j.target.hash {
			discard(key, rec)
		}
	}
	switch {
	case oldCorrupt:
		slots[recoveredKey] = &journalRecord{}
	case old == nil:
	case old.legacy:
		slots[recoveredKey] = old // checked again, as a slot
		old = nil
	case old.target.hash != j.target.hash:
		discard(recoveredKey, old)
		old = nil
	}
	if j.warnedTargets {
		return old
	}
	j.warnedTargets = len(others) > 0
	for target, d := range others {
		j.logger.Warn("insert journal: entries journaled for another ClickHouse target are discarded; replays of their rows are not deduplicated, so they may be stored twice in the old target's sense (nothing is lost in the new one)",
			zap.Stringer("old_target", target), zap.Stringer("target", j.target),
			zap.Int("entries", d.entries), zap.Int("rows", d.rows))
	}
	return old
}

// checkProgress is how far an interrupted recovery got in one table's
// sorted unresolved ids: every id up to through is checked, and found are
// those stored.
type checkProgress struct {
	checked bool
	through rowID
	found   []rowID
}

// checkStored returns the ids of todo (sorted) that table t holds, asking
// lookupChunk ids at a time and keeping the answers in j.checked, so that
// a recovery that runs out of time (a push's timeout) resumes where it
// stopped instead of starting again.
func (j *insertJournal) checkStored(ctx context.Context, t int, todo tableIDs) ([]rowID, error) {
	p := &j.checked[t]
	start := 0
	if p.checked {
		i, found := slices.BinarySearchFunc(todo.ids, p.through, compareRowIDs)
		if found {
			i++
		}
		start = i
	}
	for chunk := range slices.Chunk(todo.ids[start:], lookupChunk) {
		stored, err := j.lookup.stored(ctx, journalTables[t], tableIDs{minTs: todo.minTs, maxTs: todo.maxTs, ids: chunk})
		if err != nil {
			return nil, err
		}
		p.found = append(p.found, stored...)
		p.checked, p.through = true, chunk[len(chunk)-1]
	}
	return p.found, nil
}

// readJournal returns the slots by key (a corrupt one maps to an empty
// record, so it is cleared too) and the recovered set, nil when there is
// none or it is corrupt. A corrupt value is logged: its rows cannot be
// checked, so replays of them may be stored twice, but nothing is dropped.
func (j *insertJournal) readJournal(ctx context.Context) (slots map[string]*journalRecord, old *journalRecord, oldCorrupt bool, err error) {
	slots = map[string]*journalRecord{}
	size := len(j.ring.slots)
	for from := 0; from < size; {
		ops := []*storage.Operation{}
		if from == 0 {
			ops = append(ops, storage.GetOperation(recoveredKey))
		}
		for n := from; n < size; n++ {
			ops = append(ops, storage.GetOperation(slotKey(n)))
		}
		if err := j.client.Batch(ctx, ops...); err != nil {
			return nil, nil, false, fmt.Errorf("insert journal: read slots %d-%d: %w", from, size-1, err)
		}
		from = size
		for _, op := range ops {
			if op.Value == nil {
				continue
			}
			rec, derr := unmarshalRecord(op.Value)
			if derr != nil {
				j.logger.Error("insert journal: unreadable entry ignored; if the queue replays its rows they may be stored twice (nothing is dropped)",
					zap.String("key", op.Key), zap.Int("bytes", len(op.Value)), zap.Error(derr))
			}
			switch {
			case op.Key == recoveredKey && derr == nil:
				old = &rec
			case op.Key == recoveredKey:
				oldCorrupt = true
			default:
				slots[op.Key] = &rec
				size = max(size, min(int(rec.ring), maxJournalSlots))
			}
		}
	}
	return slots, old, oldCorrupt, nil
}

// unresolved gathers table t's rows of every slot that are not already in
// the recovered set, sorted and without repeats (a retried push may be in
// two slots).
func unresolved(slots map[string]*journalRecord, t int, known []rowID) tableIDs {
	var all tableIDs
	for _, rec := range slots {
		all.merge(rec.tables[t])
	}
	seen := make(map[rowID]struct{}, len(known))
	for _, id := range known {
		seen[id] = struct{}{}
	}
	all.ids = slices.DeleteFunc(all.ids, func(id rowID) bool { _, ok := seen[id]; return ok })
	slices.SortFunc(all.ids, compareRowIDs)
	all.ids = slices.Compact(all.ids)
	return all
}

// compareRowIDs orders ids by trace id, then span id.
func compareRowIDs(a, b rowID) int { return bytes.Compare(a[:], b[:]) }

// rejectedQueryCodes are ClickHouse exception codes saying the server
// cannot run the check query at all (it does not parse or type-check
// there), as opposed to failing now (network, timeout, overload).
var rejectedQueryCodes = map[int32]bool{
	6: true, 16: true, 26: true, 27: true, 36: true, 43: true, 46: true, 47: true,
	53: true, 60: true, 62: true, 456: true, 457: true,
}

// queryRejected reports whether err is a server exception retrying cannot
// fix.
func queryRejected(err error) bool {
	var ex *clickhouse.Exception
	return errors.As(err, &ex) && rejectedQueryCodes[ex.Code]
}
