package kaizenclickhouseexporter

import (
	"strconv"
	"sync"
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
// its push. When every slot is pinned (retries abandoned by the queue) the
// least recently used one is taken.
type journalRing struct {
	mu    sync.Mutex
	slots []ringSlot
	next  int
	clock uint64
}

type ringSlot struct {
	key     string // the push's tokens; "" when free
	pinned  bool
	written bool // the slot holds key's rows in storage
	used    uint64
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
			s.pinned, s.used = true, r.clock
			return i, false
		}
	}
	slot = -1
	for i := range len(r.slots) {
		if n := (r.next + i) % len(r.slots); !r.slots[n].pinned {
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
	for i, s := range r.slots {
		switch {
		case s.written && s.pinned:
			return nil
		case s.written:
			out = append(out, i)
		}
	}
	return out
}
