package kaizenclickhouseexporter

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"go.uber.org/zap"
)

// TestJournalDuplicatePushes: two pushes of identical content at once (a
// client resending) share a slot and a pending entry. The first to end
// must not release the other's hold: while the other runs or awaits a
// retry, its slot is not finished (a shutdown would delete it) and the
// recovered set is kept (its retry must drop the same rows).
func TestJournalDuplicatePushes(t *testing.T) {
	ctx := context.Background()
	host := newStorageHost(newMemStorage())
	r := crashedJournal(t, host)
	j := openTestJournal(t, host, zap.NewNop(), &failingLookup{ok: true}, journalConfig(2))
	if j.set.Load() == nil {
		t.Fatal("no recovered set")
	}
	a, err := j.begin(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := j.begin(ctx, r) // the resend, while a runs
	if err != nil {
		t.Fatal(err)
	}
	if a.slot != b.slot {
		t.Fatalf("identical pushes in slots %d and %d, want one shared slot", a.slot, b.slot)
	}
	j.end(ctx, &a, nil)
	if got := j.ring.finished(); got != nil {
		t.Errorf("finished %v while b's attempt runs", got)
	}
	if j.set.Load() == nil {
		t.Fatal("recovered set forgotten while b's attempt runs")
	}
	j.end(ctx, &b, errors.New("connection reset")) // b awaits a retry
	if got := j.ring.finished(); got != nil {
		t.Errorf("finished %v while b awaits a retry", got)
	}
	retry, err := j.begin(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if retry.slot != a.slot || retry.tables[tabTraces].n != 0 || retry.tables[tabCalls].n != 0 {
		t.Errorf("b's retry: slot %d (want %d), %d spans and %d calls kept (want the stored rows dropped)",
			retry.slot, a.slot, retry.tables[tabTraces].n, retry.tables[tabCalls].n)
	}
	j.end(ctx, &retry, nil)
	if got := j.ring.finished(); !slices.Equal(got, []int{a.slot}) {
		t.Errorf("finished %v, want [%d] once every push is over", got, a.slot)
	}
	if j.set.Load() != nil {
		t.Error("recovered set kept after every push is over")
	}
}

// TestJournalDuplicatePushesConcurrent: many identical pushes at once,
// one of which fails to be retried; the slot stays pinned whatever the
// order in which they end.
func TestJournalDuplicatePushesConcurrent(t *testing.T) {
	ctx := context.Background()
	host := newStorageHost(newMemStorage())
	r := crashedJournal(t, host)
	j := openTestJournal(t, host, zap.NewNop(), &failingLookup{ok: true}, journalConfig(8))
	const n = 8
	plans := make([]pushPlan, n)
	var wg sync.WaitGroup
	for i := range plans {
		wg.Go(func() {
			p, err := j.begin(ctx, r)
			if err != nil {
				t.Error(err)
			}
			plans[i] = p
		})
	}
	wg.Wait()
	for i := range plans {
		wg.Go(func() {
			var err error
			if i == n/2 {
				err = errors.New("connection reset")
			}
			j.end(ctx, &plans[i], err)
		})
	}
	wg.Wait()
	if got := j.ring.finished(); got != nil {
		t.Errorf("finished %v while one push awaits a retry", got)
	}
	if j.set.Load() == nil {
		t.Error("recovered set forgotten while one push awaits a retry")
	}
}
