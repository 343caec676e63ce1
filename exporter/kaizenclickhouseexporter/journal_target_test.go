package kaizenclickhouseexporter

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// noneStored is a ClickHouse that holds none of the journaled rows (a new,
// empty target).
type noneStored struct{}

func (noneStored) stored(context.Context, string, tableIDs) ([]rowID, error) { return nil, nil }

// targetConfig is a journal config writing to endpoint and database.
func targetConfig(endpoint, database string) *Config {
	cfg := journalConfig(1)
	cfg.Endpoint, cfg.Database = endpoint, database
	return cfg
}

// legacyRecord encodes rec as a version 1 record (no target), as the
// exporter wrote before records named their target.
func legacyRecord(rec journalRecord) []byte {
	b := rec.marshal()
	var v1 []byte
	v1 = append(v1, b[:journalHeaderBytes]...)
	v1[4] = journalLegacyVersion
	v1 = append(v1, b[journalHeaderBytes+journalTargetBytes+len(rec.target.name):len(b)-journalCRCBytes]...)
	return binary.LittleEndian.AppendUint32(v1, crcOf(v1))
}

func TestJournalTarget(t *testing.T) {
	base := targetConfig("tcp://kaizen:s3cret@CH-B:9000,ch-a:9000?alt_hosts=ch-c:9000&password=p4ss", "")
	tests := []struct {
		name    string
		cfg     *Config
		want    string
		sameAsA bool
	}{
		{"normalized", base, "ch-a:9000,ch-b:9000,ch-c:9000/kaizen", true},
		{"hosts in another order", targetConfig("tcp://ch-c:9000,ch-b:9000?alt_hosts=ch-a:9000", ""), "ch-a:9000,ch-b:9000,ch-c:9000/kaizen", true},
		{"database option", targetConfig("tcp://ch-a:9000,ch-b:9000,ch-c:9000", "prod"), "ch-a:9000,ch-b:9000,ch-c:9000/prod", false},
		{"database in the DSN", targetConfig("tcp://ch-a:9000,ch-b:9000,ch-c:9000/prod", ""), "ch-a:9000,ch-b:9000,ch-c:9000/prod", false},
		{"another host", targetConfig("http://ch-d:8123", ""), "ch-d:8123/kaizen", false},
		{"no endpoint", targetConfig("", ""), "/kaizen", false},
	}
	a := targetOf(base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := targetOf(tt.cfg)
			if got.name != tt.want {
				t.Errorf("name %q, want %q", got.name, tt.want)
			}
			if (got.hash == a.hash) != tt.sameAsA {
				t.Errorf("same target as %q: %t, want %t", a.name, got.hash == a.hash, tt.sameAsA)
			}
		})
	}
	long := targetOf(targetConfig("tcp://"+strings.Repeat("h", 400)+":9000", ""))
	if len(long.name) > maxTargetName {
		t.Errorf("name of %d bytes, want at most %d", len(long.name), maxTargetName)
	}
}

// TestJournalTargetChanged: rows confirmed stored in one ClickHouse must
// not be dropped from pushes to another. A recovered set or slot left for
// another target (endpoint or database changed between runs) is discarded
// with a warning naming both targets without credentials; a version 1
// record (no target) is checked again against the current target.
func TestJournalTargetChanged(t *testing.T) {
	const endpointA = "tcp://kaizen:s3cret@ch-a:9000"
	tests := []struct {
		name      string
		next      *Config    // the run after the crash
		lookup    storedRows // what its ClickHouse holds
		recovered bool       // the crash happened after a recovery wrote journal/recovered
		legacy    bool       // the previous run wrote version 1 records
		wantKept  bool       // every row is inserted
		wantWarn  bool
	}{
		{"set, same target", targetConfig(endpointA, ""), noneStored{}, true, false, false, false},
		{"set, endpoint changed", targetConfig("tcp://ch-b:9000", ""), noneStored{}, true, false, true, true},
		{"set, database changed", targetConfig(endpointA, "other"), noneStored{}, true, false, true, true},
		{"slot, endpoint changed", targetConfig("tcp://ch-b:9000", ""), &failingLookup{ok: true}, false, false, true, true},
		{"slot, same target", targetConfig(endpointA, ""), &failingLookup{ok: true}, false, false, false, false},
		{"legacy set, target without the rows", targetConfig("tcp://ch-b:9000", ""), noneStored{}, true, true, true, false},
		{"legacy set, target with the rows", targetConfig("tcp://ch-b:9000", ""), &failingLookup{ok: true}, true, true, false, false},
		{"legacy slot, target with the rows", targetConfig("tcp://ch-b:9000", ""), &failingLookup{ok: true}, false, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStorage()
			host := newStorageHost(store)
			r := buildRows(workflowTraces(), DefaultMaxValueBytes, false)
			cfgA := targetConfig(endpointA, "")
			if _, err := openTestJournal(t, host, zap.NewNop(), &failingLookup{ok: true}, cfgA).begin(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			key := slotKey(0)
			if tt.recovered { // a restart on A found the rows stored, then a second crash
				if openTestJournal(t, host, zap.NewNop(), &failingLookup{ok: true}, cfgA).set.Load() == nil {
					t.Fatal("no recovered set on the same target")
				}
				key = recoveredKey
			}
			if tt.legacy {
				rec, err := unmarshalRecord(store.get(key))
				if err != nil {
					t.Fatal(err)
				}
				store.set(key, legacyRecord(rec))
			}

			core, logs := observer.New(zap.InfoLevel)
			j := openTestJournal(t, host, zap.New(core), tt.lookup, tt.next)
			p, err := j.begin(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			want := r.batches()
			kept := p.tables[tabTraces].n == want[tabTraces].n && p.tables[tabCalls].n == want[tabCalls].n
			if kept != tt.wantKept {
				t.Errorf("rows kept: %t (%d of %d spans, %d of %d calls), want %t", kept,
					p.tables[tabTraces].n, want[tabTraces].n, p.tables[tabCalls].n, want[tabCalls].n, tt.wantKept)
			}
			warns := logs.FilterMessageSnippet("another ClickHouse target")
			if got := warns.Len(); got != map[bool]int{true: 1}[tt.wantWarn] {
				t.Errorf("%d warnings about another target, want wanted %t: %v", got, tt.wantWarn, logs.All())
			}
			for _, w := range warns.All() {
				f := w.ContextMap()
				if w.Level != zap.WarnLevel || f["old_target"] != "ch-a:9000/kaizen" || f["target"] != targetOf(tt.next).name {
					t.Errorf("warning %s %v, want Warn naming old_target ch-a:9000/kaizen and target %s", w.Level, f, targetOf(tt.next).name)
				}
			}
			for _, e := range logs.All() {
				if strings.Contains(fmt.Sprint(e.Message, e.ContextMap()), "s3cret") {
					t.Errorf("password logged: %s %v", e.Message, e.ContextMap())
				}
			}
			if tt.wantWarn {
				if keys := store.keys("journal/"); len(keys) != 1 || keys[0] != slotKey(p.slot) {
					t.Errorf("stored entries %v, want only this push's slot: discarded entries are cleared", keys)
				}
			}
		})
	}
}

// TestJournalTargetWarnOnce: a recovery retried before each push (the
// current target cannot answer yet) reports another target's records once.
func TestJournalTargetWarnOnce(t *testing.T) {
	ctx := context.Background()
	store := newMemStorage()
	host := newStorageHost(store)
	cfgA, cfgB := targetConfig("tcp://ch-a:9000", ""), targetConfig("tcp://ch-b:9000", "")
	r := buildRows(workflowTraces(), DefaultMaxValueBytes, false)
	if _, err := openTestJournal(t, host, zap.NewNop(), &failingLookup{ok: true}, cfgB).begin(ctx, r); err != nil {
		t.Fatal(err)
	}
	client, err := store.GetClient(ctx, component.KindExporter, component.NewID(component.MustNewType("kaizenclickhouse")), journalStorageName)
	if err != nil {
		t.Fatal(err)
	}
	other := journalRecord{ring: 64, target: targetOf(cfgA)}
	other.tables[tabTraces].add(rowID{1}, 1)
	if err := client.Set(ctx, slotKey(1), other.marshal()); err != nil {
		t.Fatal(err)
	}

	core, logs := observer.New(zap.InfoLevel)
	lookup := &failingLookup{}
	j := openTestJournal(t, host, zap.New(core), lookup, cfgB)
	for range 3 {
		if err := j.ensureRecovered(ctx); err == nil {
			t.Fatal("recovered although ClickHouse cannot answer")
		}
	}
	lookup.ok = true
	if err := j.ensureRecovered(ctx); err != nil {
		t.Fatal(err)
	}
	if got := logs.FilterMessageSnippet("another ClickHouse target").Len(); got != 1 {
		t.Errorf("%d warnings about another target over 5 attempts, want 1", got)
	}
	if j.set.Load() == nil {
		t.Error("the current target's slot was not recovered")
	}
}

// TestJournalDatabaseChangedEndToEnd: exporter #1 stores A+B in one
// database and is killed; #2, on the same database, recovers (A and B are
// stored) and is killed before the replay; #3 writes to another database
// and gets A and B replayed: they must be stored there, not dropped as
// stored in the first one.
func TestJournalDatabaseChangedEndToEnd(t *testing.T) {
	a, b, c := request(1), request(2), request(3)
	first, second, store := chtest.NewDatabase(t), chtest.NewDatabase(t), newMemStorage()
	crashedRun{batch: merged(a, b)}.run(t, first, newStorageHost(store))
	e2 := journalExporter(t, first, newStorageHost(store), journalSettings())
	if e2.journal.set.Load() == nil {
		t.Fatal("no recovered set on the first database")
	}
	crash(t, e2)

	e3 := journalExporter(t, second, newStorageHost(store), journalSettings())
	push(t, e3, merged(a, c))
	push(t, e3, b)
	assertSameRows(t, second, referenceDB(t, a, b, c))
}
