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
// the same key) reuses its slot without writing it again, and so does a
// push of identical content (a client resending): the slot counts the
// pushes holding it and is unpinned when the last one is over. New pushes take
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
	written bool   // the slot holds key's rows in storage
	used    uint64
	retry   retryState // of the pushes holding the slot; pinned while any does
}

// retryState is where the pushes of one key (one content) that may be
// retried are: how many are in an attempt, how many await a retry, and
// since when (the latest first attempt among them, so a hold is never
// given up early). Identical pushes at once (a client resending) are
// counted, so the first to end does not release the others.
type retryState struct {
	first   time.Time
	running int // attempts in progress
	waiting int // pushes whose last attempt failed and that will be retried
}

// held reports whether some push of the key is not over.
func (st retryState) held() bool { return st.running+st.waiting > 0 }

// stop records the end of an attempt; the push awaits a retry unless
// final.
func (st *retryState) stop(final bool) {
	st.running = max(st.running-1, 0)
	if !final {
		st.waiting++
	}
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

// abandoned reports whether no attempt of st's pushes runs and none can
// follow: their retries gave up, and the queue dropped their requests.
func (c retryClock) abandoned(st retryState) bool {
	return c.giveUp > 0 && st.running == 0 && c.time().Sub(st.first) > c.giveUp
}

// start records an attempt of a push of st's key: the retry of one that
// awaits a retry, when there is one (its first attempt stays the
// reference), else a new push, first tried now. A resend arriving while a
// push of the same content awaits a retry cannot be told from that retry;
// it is counted as the retry, and the push it stands for, when retried,
// as a new one: the counts stay right.
func (c retryClock) start(st *retryState) {
	if c.abandoned(*st) {
		st.waiting = 0
	}
	if st.waiting > 0 {
		st.waiting--
	} else {
		st.first = c.time()
	}
	st.running++
}

// busy reports whether s belongs to a push in an attempt or awaiting a
// retry.
func (r *journalRing) busy(s *ringSlot) bool {
	return s.retry.held() && !r.abandoned(s.retry)
}

func newJournalRing(size int) *journalRing {
	return &journalRing{slots: make([]ringSlot, size)}
}

// acquire pins a slot for the push key and reports whether its rows must
// be written to it (false when a retry, or a push of identical content,
// finds them already written).
func (r *journalRing) acquire(key string) (slot int, write bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clock++
	if i := r.holding(key); i >= 0 {
		s := &r.slots[i]
		r.start(&s.retry)
		s.used = r.clock
		return i, false
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
	r.slots[slot] = ringSlot{key: key, used: r.clock}
	r.start(&r.slots[slot].retry)
	r.next = (slot + 1) % len(r.slots)
	return slot, true
}

// holding returns the slot holding the rows of the push key, -1 if none:
// one where a push of key awaits a retry first (identical pushes that
// raced may each have written one), else the first.
func (r *journalRing) holding(key string) int {
	found := -1
	for i := range r.slots {
		s := &r.slots[i]
		if s.key != key || !s.written {
			continue
		}
		if s.retry.waiting > 0 && !r.abandoned(s.retry) {
			return i
		}
		if found < 0 {
			found = i
		}
	}
	return found
}

// written records that slot now holds the rows of the push key.
func (r *journalRing) written(slot int, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := &r.slots[slot]; s.key == key {
		s.written = true
	}
}

// release ends an attempt of the push key on slot; the slot is unpinned
// once no push holding it runs or awaits a retry. A failed write frees it. A slot another push has taken since (every slot was pinned) is
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
	s.retry.stop(final)
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
