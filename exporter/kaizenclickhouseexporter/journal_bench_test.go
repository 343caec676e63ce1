package kaizenclickhouseexporter

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// BenchmarkJournal measures what the insert journal adds to one push of
// benchSpans spans (half GenAI, so 15 000 journaled rows): decoding the
// row ids, encoding and writing the slot, and, in a replay after a crash,
// dropping the rows already stored (here every other row, the worst case
// for cutting the columns). build_rows is the
// conversion every push does anyway, for scale.
func BenchmarkJournal(b *testing.B) {
	r := buildRows(benchTraces(0), DefaultMaxValueBytes, false)
	b.Run("build_rows", func(b *testing.B) {
		td := benchTraces(0)
		b.ReportAllocs()
		for b.Loop() {
			buildRows(td, DefaultMaxValueBytes, false)
		}
	})
	for _, st := range []struct {
		name     string
		host     func(b *testing.B) component.Host
		recovery bool
	}{
		{"memory", func(*testing.B) component.Host { return newStorageHost(newMemStorage()) }, false},
		{"queue_storage", queueStorageHost, false},
		{"queue_storage_replay", queueStorageHost, true},
	} {
		b.Run(st.name, func(b *testing.B) {
			j := openTestJournal(b, st.host(b), zap.NewNop(), &failingLookup{ok: true}, journalConfig(10))
			if st.recovery {
				ids, err := r.journalIDs()
				if err != nil {
					b.Fatal(err)
				}
				var rec journalRecord // every other row stored: the most runs to cut
				for t := range rec.tables {
					for i, id := range ids[t].ids {
						if i%2 == 0 {
							rec.tables[t].ids = append(rec.tables[t].ids, id)
						}
					}
				}
				j.set.Store(newRecoveredSet(&rec, 0))
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				p, err := j.begin(ctx, r)
				if err != nil {
					b.Fatal(err)
				}
				j.end(ctx, &p, errRetryBench)     // keeps the recovered set (a retry is pending)
				j.ring.slots[p.slot] = ringSlot{} // the next iteration is a new push
			}
			b.ReportMetric(float64((&journalRecord{tables: mustIDs(b, r)}).size()), "journal-B/push")
		})
	}
}

// errRetryBench ends benchmark pushes as failed and retryable.
var errRetryBench = errors.New("bench: retry")

// queueStorageHost is the host of a queue_storage extension in a
// temporary directory.
func queueStorageHost(b *testing.B) component.Host { return storageBackends[1].runs(b)() }

func mustIDs(b *testing.B, r *rows) [numTables]tableIDs {
	ids, err := r.journalIDs()
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkJournalPush pushes benchSpans-span batches to the embedded
// ClickHouse without and with the journal (in queue_storage), in the same
// run, for the journal's share of a whole push.
func BenchmarkJournalPush(b *testing.B) {
	for _, journal := range []bool{false, true} {
		b.Run(fmt.Sprintf("journal=%t", journal), func(b *testing.B) {
			db := chtest.NewDatabase(b)
			e := journalExporter(b, db, queueStorageHost(b), journalSettings())
			if !journal {
				e.journal = nil
			}
			batches := make([]ptrace.Traces, b.N)
			for i := range batches {
				batches[i] = benchTraces(i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpuBegin := processCPU(b)
			for i := range b.N {
				if err := e.pushTraces(context.Background(), batches[i]); err != nil {
					b.Fatal(err)
				}
			}
			cpu := processCPU(b) - cpuBegin
			b.StopTimer()
			b.ReportMetric(float64(b.N*benchSpans)/cpu.Seconds(), "spans/cpu-s")
		})
	}
}
