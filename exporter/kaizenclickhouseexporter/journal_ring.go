package kaizenclickhouseexporter

import (
	"strconv"
	"sync"
	"time"
)

// The ring has 4 slots per queue consumer (concurrent push), at least 64;
// a slot number above maxJournalSlots read from storage is not believed.
const (
	minJournalSlots     = 64
	journalSlotsPerPush = 4
	maxJournalSlots     = 1 << 16
)

// slotKey is the storage key of slot n.
func slotKey(n int) string { return "journal/" + strconv.Itoa(n) }

// journalRing hands out the slots pushes record their rows in. A slot is
// pinned from its push's journal write until the push succeeds or fails
// for good (no retry follows); a retry of a pinned push (same rows, so
// the same key) reuses its slot without writing it again. New pushes take
// the next unpinned slot in ring order, so a slot is overwritten only after
// about size later pushes, long after the queue removed the requests of
// its push. A push the retries gave up on (retryClock) no longer pins its
// slot. When every slot is pinned (more pushes awaiting a retry than
// slots) the least recently used one is taken.
type journalRing struct {
	mu    sync.Mutex
	slots []ringSlot
	next  int
	clock uint64
	retryClock
}

type ringSlot struct {
	key     string // the push's tokens; "" when free
	pinned  bool
	written bool // the slot holds key's rows in storage
	used    uint64
	retry   retryState
}

// retryState is where a push that may be retried is: since when, and
// whether an attempt is running.
type retryState struct {
	first   time.Time
	running bool
}

// retryClock tells when a push awaiting a retry is abandoned: the
// exporter's retries start no attempt later than retry_on_failure's
// max_elapsed_time (giveUp) after the first (0: they never give up), and
// the queue then drops the request.
type retryClock struct {
	giveUp time.Duration
	now    func() time.Time // time.Now when nil
}

func (c retryClock) time() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c retryClock) abandoned(st retryState) bool {
	return c.giveUp > 0 && !st.running && c.time().Sub(st.first) > c.giveUp
}

// start records an attempt of a push: a new push when it was not awaiting
// a retry (waiting false).
func (c retryClock) start(st *retryState, waiting bool) {
	if !waiting {
		st.first = c.time()
	}
	st.running = true
}

// busy reports whether s belongs to a push in an attempt or awaiting a
// retry.
func (r *journalRing) busy(s *ringSlot) bool {
	return s.pinned && !r.abandoned(s.retry)
}

func newJournalRing(size int) *journalRing {
	return &journalRing{slots: make([]ringSlot, size)}
}

// acquire pins a slot for the push key and reports whether its rows must
// be written to it (false when a retry finds them already written).
func (r *journalRing) acquire(key string) (slot int, write bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clock++
	for i := range r.slots {
		if s := &r.slots[i]; s.key == key && s.written {
			r.start(&s.retry, r.busy(s))
			s.pinned, s.used = true, r.clock
			return i, false
		}
	}
	slot = -1
	for i := range len(r.slots) {
		if n := (r.next + i) % len(r.slots); !r.busy(&r.slots[n]) {
			slot = n
			break
		}
	}
	if slot < 0 {
		slot = 0
		for i, s := range r.slots {
			if s.used < r.slots[slot].used {
				slot = i
			}
		}
	}
	r.slots[slot] = ringSlot{key: key, pinned: true, used: r.clock}
	r.start(&r.slots[slot].retry, false)
	r.next = (slot + 1) % len(r.slots)
	return slot, true
}

// written records that slot now holds the rows of the push key.
func (r *journalRing) written(slot int, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := &r.slots[slot]; s.key == key {
		s.written = true
	}
}

// release unpins slot when the push key needs no retry; a failed write
// frees it. A slot another push has taken since (every slot was pinned) is
// left to its new owner.
func (r *journalRing) release(slot int, key string, final bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &r.slots[slot]
	if s.key != key {
		return
	}
	if !s.written {
		*s = ringSlot{}
		return
	}
	s.retry.running = false
	if final {
		s.pinned = false
	}
}

// finished returns the written slots whose pushes need no retry, or none
// while some push awaits one: the batcher may have split a request across
// that push and finished ones, and the queue replays the whole request.
func (r *journalRing) finished() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for i := range r.slots {
		switch s := &r.slots[i]; {
		case s.written && r.busy(s):
			return nil
		case s.written:
			out = append(out, i)
		}
	}
	return out
}
