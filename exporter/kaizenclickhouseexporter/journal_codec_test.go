package kaizenclickhouseexporter

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"
	"time"
)

func testRecord() journalRecord {
	var r journalRecord
	r.written = time.Unix(0, 1773500966535897932)
	r.ring = 64
	r.target = journalTarget{hash: 0x1234567890abcdef, name: "ch-a:9000/kaizen"}
	for i := range 3 {
		var id rowID
		id[0], id[23] = 0xab, byte(i)
		r.tables[tabTraces].add(id, int64(1000+i))
		if i != 1 {
			r.tables[tabCalls].add(id, int64(1000+i))
		}
	}
	return r
}

func TestJournalRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rec  journalRecord
	}{
		{"slot", testRecord()},
		{"empty push", journalRecord{written: time.Unix(0, 5), ring: 64}},
		{"recovered set", func() journalRecord { r := testRecord(); r.ring = 0; r.tables[tabCalls] = tableIDs{}; return r }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.rec.marshal()
			if len(b) != tt.rec.size() {
				t.Errorf("encoded %d bytes, size says %d", len(b), tt.rec.size())
			}
			got, err := unmarshalRecord(b)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got.tables { // an empty table decodes as an empty, not nil, slice
				if len(got.tables[i].ids) == 0 {
					got.tables[i].ids = tt.rec.tables[i].ids
				}
			}
			if !got.written.Equal(tt.rec.written) || got.ring != tt.rec.ring || !reflect.DeepEqual(got.tables, tt.rec.tables) {
				t.Errorf("round trip:\n got  %+v\n want %+v", got, tt.rec)
			}
		})
	}
}

// TestJournalRecordLegacy: a version 1 record (before records named their
// target) is read, as one of an unknown target.
func TestJournalRecordLegacy(t *testing.T) {
	want := testRecord()
	got, err := unmarshalRecord(legacyRecord(want))
	if err != nil {
		t.Fatal(err)
	}
	if !got.legacy || got.target != (journalTarget{}) {
		t.Errorf("legacy %t target %+v, want a legacy record of no target", got.legacy, got.target)
	}
	if !got.written.Equal(want.written) || got.ring != want.ring || !reflect.DeepEqual(got.tables, want.tables) {
		t.Errorf("legacy record:\n got  %+v\n want %+v", got, want)
	}
	if cur, err := unmarshalRecord(want.marshal()); err != nil || cur.legacy || cur.target != want.target {
		t.Errorf("current record decodes as legacy %t target %+v (%v), want %+v", cur.legacy, cur.target, err, want.target)
	}
}

func crcOf(b []byte) uint32 { return crc32.Checksum(b, crcTable) }

// TestJournalRecordCorrupt: every kind of damage is an error naming it,
// never a panic or a wrong record.
func TestJournalRecordCorrupt(t *testing.T) {
	good := testRecord()
	valid := good.marshal()
	resum := func(b []byte) []byte { // a damaged body with a matching checksum
		return binary.LittleEndian.AppendUint32(b[:len(b)-4:len(b)-4], crcOf(b[:len(b)-4]))
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), valid...)) }
	tablesAt := journalHeaderBytes + journalTargetBytes + len(good.target.name)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "shorter than a header"},
		{"torn", valid[:len(valid)-10], "checksum"},
		{"bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), "bad magic"},
		{"future version", edit(func(b []byte) []byte { b[4] = 3; return b }), "version 3"},
		{"target name beyond length", edit(func(b []byte) []byte {
			b[journalHeaderBytes+8] = 255
			return resum(b[:journalHeaderBytes+journalTargetBytes+numTables*journalTableBytes+journalCRCBytes])
		}), "target truncated"},
		{"flipped bit", edit(func(b []byte) []byte { b[30] ^= 1; return b }), "checksum"},
		{"count beyond length", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[tablesAt+16:], 1<<31)
			return resum(b)
		}), "claims 2147483648 ids"},
		{"inverted time range", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[tablesAt:], 1<<40)
			return resum(b)
		}), "time range"},
		{"trailing bytes", resum(append(append([]byte(nil), valid...), 0, 0, 0, 0, 0)), "after the last table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := unmarshalRecord(tt.in)
			if !errors.Is(err, errCorruptRecord) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a corrupt-record error containing %q", err, tt.want)
			}
		})
	}
}

// FuzzJournalRecord: the decoder reads bytes from disk; whatever they
// are, it returns a record or an error, and a record re-encodes to the
// same bytes.
func FuzzJournalRecord(f *testing.F) {
	r := testRecord()
	f.Add(r.marshal())
	f.Add((&journalRecord{}).marshal())
	f.Add([]byte("KZIJ\x01"))
	f.Add(legacyRecord(r))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := unmarshalRecord(b)
		if err != nil {
			if !errors.Is(err, errCorruptRecord) {
				t.Fatalf("error not marked corrupt: %v", err)
			}
			return
		}
		if rec.legacy { // re-encoded in the current version, of no target
			if again, err := unmarshalRecord(rec.marshal()); err != nil || again.legacy || again.target.hash != 0 {
				t.Fatalf("legacy record re-encodes as %+v, %v", again, err)
			}
			return
		}
		if again := rec.marshal(); string(again) != string(b) {
			t.Fatalf("decoded record re-encodes differently")
		}
	})
}
