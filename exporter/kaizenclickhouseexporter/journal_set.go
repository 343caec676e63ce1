package kaizenclickhouseexporter

import (
	"maps"
	"sync"

	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// minSpanProtoBytes is a lower bound of one span's share of a request's
// protobuf size (trace id and span id fields alone take 28 bytes), to turn
// a bytes-sized queue's capacity into spans.
const minSpanProtoBytes = 28

// replayBound is after how many spans pushed successfully since a recovery
// the recovered set is forgotten even if some of its rows were not seen
// again (the pushes journaled before the crash whose requests the queue had
// already removed are never replayed). The queue holds at most its
// capacity, replayed requests included, and is read in order, so once
// more than the capacity in spans has been stored, pushes of data queued
// after the restart succeed and every replayed request has been pushed;
// the bound is twice that for pushes finishing out of order. A push that
// dropped rows and may be retried keeps the set (recoveredSet.pending).
// 0 means no bound: a queue sized in requests bounds no span count.
func replayBound(q *exporterhelper.QueueBatchConfig) int64 {
	switch q.Sizer {
	case exporterhelper.RequestSizerTypeItems:
		return 2 * q.QueueSize
	case exporterhelper.RequestSizerTypeBytes:
		return 2 * q.QueueSize / minSpanProtoBytes
	default:
		return 0
	}
}

// recoveredSet holds, per table, the rows of pushes journaled before a
// restart that ClickHouse confirmed stored. Pushes drop those rows: the
// queue replays their requests merged into other batches, whose tokens
// ClickHouse cannot match.
type recoveredSet struct {
	mu sync.Mutex
	// ids maps each stored row to whether a successful push has seen it
	// again since the recovery.
	ids    [numTables]map[rowID]bool
	unseen int
	// pushed counts the spans of successful pushes since the recovery.
	pushed, bound int64
	// pending holds, by key, the pushes that dropped rows and may be
	// retried: the set must not change under them, or a retry would
	// insert a different batch (another token) than the attempt that may
	// have been stored. Identical pushes at once are counted (retryState).
	// Those the retries gave up on (retryClock) no longer count.
	pending   map[string]retryState
	forgotten bool
	retryClock
}

func newRecoveredSet(rec *journalRecord, bound int64) *recoveredSet {
	s := &recoveredSet{bound: bound, pending: map[string]retryState{}}
	for t := range s.ids {
		s.ids[t] = make(map[rowID]bool, len(rec.tables[t].ids))
		for _, id := range rec.tables[t].ids {
			s.ids[t][id] = false
		}
		s.unseen += len(s.ids[t])
	}
	return s
}

// filter replaces each table's batch by its rows not in the set and
// returns the ids it dropped. A push that dropped rows is pending until
// done says it needs no retry.
func (s *recoveredSet) filter(key string, ids *[numTables]tableIDs, b *[numTables]tableBatch) (hits [numTables][]rowID) {
	var keep [numTables][]bool
	s.mu.Lock()
	if s.forgotten {
		s.mu.Unlock()
		return hits
	}
	for t, m := range s.ids {
		if len(m) == 0 {
			continue
		}
		for i, id := range ids[t].ids {
			if _, ok := m[id]; !ok {
				continue
			}
			if keep[t] == nil {
				keep[t] = make([]bool, len(ids[t].ids))
				for j := range keep[t] {
					keep[t][j] = true
				}
			}
			keep[t][i] = false
			hits[t] = append(hits[t], id)
		}
	}
	if len(hits[tabTraces])+len(hits[tabCalls]) > 0 {
		st := s.pending[key]
		s.start(&st)
		s.pending[key] = st
	}
	s.mu.Unlock()
	for t := range keep {
		if keep[t] != nil {
			b[t] = keepRows(b[t], journalTables[t], ids[t].ids, keep[t])
		}
	}
	return hits
}

// done records a push's outcome: on success its dropped rows are seen
// and its spans counted. It reports whether the set is now to be
// forgotten: no push that dropped rows awaits a retry, and every row was
// seen again or the replay bound was reached.
func (s *recoveredSet) done(key string, hits *[numTables][]rowID, spans int, success, final bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forgotten {
		return false
	}
	if success {
		for t, ids := range hits {
			for _, id := range ids {
				if !s.ids[t][id] {
					s.ids[t][id] = true
					s.unseen--
				}
			}
		}
		s.pushed += int64(spans)
	}
	if st, ok := s.pending[key]; ok && len(hits[tabTraces])+len(hits[tabCalls]) > 0 {
		st.stop(final)
		s.pending[key] = st
	}
	maps.DeleteFunc(s.pending, func(_ string, st retryState) bool { return !st.held() || s.abandoned(st) })
	if len(s.pending) == 0 && (s.unseen == 0 || (s.bound > 0 && s.pushed >= s.bound)) {
		s.forgotten = true
	}
	return s.forgotten
}
