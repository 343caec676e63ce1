package kaizenclickhouseexporter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// rowID is a row's TraceId (16 bytes) followed by its SpanId (8 bytes):
// the key of a row in both otel_traces and llm_calls.
type rowID [24]byte

// The tables a journal record covers, in record order.
const (
	tabTraces = iota
	tabCalls
	numTables
)

// journalTables names the tables of a record, by index.
var journalTables = [numTables]string{schema.TableTraces, schema.TableLLMCalls}

// tableIDs is one table's part of a journal record: the ids of its rows and
// the range of their Timestamp (Unix nanoseconds), which narrows the
// recovery query to the partitions that can hold them.
type tableIDs struct {
	minTs, maxTs int64
	ids          []rowID
}

// add appends a row's id and widens the time range.
func (t *tableIDs) add(id rowID, ts int64) {
	if len(t.ids) == 0 || ts < t.minTs {
		t.minTs = ts
	}
	if len(t.ids) == 0 || ts > t.maxTs {
		t.maxTs = ts
	}
	t.ids = append(t.ids, id)
}

// merge appends o's ids and widens the time range to cover o's.
func (t *tableIDs) merge(o tableIDs) {
	if len(o.ids) == 0 {
		return
	}
	if len(t.ids) == 0 || o.minTs < t.minTs {
		t.minTs = o.minTs
	}
	if len(t.ids) == 0 || o.maxTs > t.maxTs {
		t.maxTs = o.maxTs
	}
	t.ids = append(t.ids, o.ids...)
}

// journalRecord is the content of a journal slot (the rows of one push,
// written before its inserts) or of the recovered set (rows confirmed
// stored, ring 0).
type journalRecord struct {
	written time.Time
	ring    uint32 // ring size of the writer, so a smaller ring still reads every slot
	// target is the ClickHouse the slot's push inserted into, or the one
	// the recovered set's rows were found in.
	target journalTarget
	// legacy marks a version 1 record, written before records named their
	// target: its target is unknown.
	legacy bool
	tables [numTables]tableIDs
}

// Record layout (little endian), version 2:
//
//	magic "KZIJ" · version u8 · written unix ns i64 · ring u32
//	target hash u64 · target name length u8 · target name
//	per table (otel_traces, llm_calls): min ts i64 · max ts i64 · count u32 · count × 24-byte ids
//	CRC-32C of everything before it, u32
//
// Version 1 is the same without the target fields; it is still read, as
// a record of an unknown target (legacy).
const (
	journalMagic         = "KZIJ"
	journalVersion       = 2
	journalLegacyVersion = 1
	journalHeaderBytes   = 4 + 1 + 8 + 4 // up to the target fields
	journalTargetBytes   = 8 + 1         // hash and name length
	journalTableBytes    = 8 + 8 + 4
	journalCRCBytes      = 4
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errCorruptRecord marks a journal value that is not a valid record.
var errCorruptRecord = errors.New("corrupt insert journal record")

// size is the encoded length of r.
func (r *journalRecord) size() int {
	n := journalHeaderBytes + journalTargetBytes + len(r.target.name) + journalCRCBytes
	for _, t := range r.tables {
		n += journalTableBytes + len(t.ids)*len(rowID{})
	}
	return n
}

// marshal encodes r, always in the current version (a legacy record
// read is written back as one of an unknown target: hash 0, no name).
func (r *journalRecord) marshal() []byte {
	b := make([]byte, 0, r.size())
	b = append(b, journalMagic...)
	b = append(b, journalVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.written.UnixNano()))
	b = binary.LittleEndian.AppendUint32(b, r.ring)
	b = binary.LittleEndian.AppendUint64(b, r.target.hash)
	name := r.target.name[:min(len(r.target.name), maxTargetName)]
	b = append(b, byte(len(name)))
	b = append(b, name...)
	for _, t := range r.tables {
		b = binary.LittleEndian.AppendUint64(b, uint64(t.minTs))
		b = binary.LittleEndian.AppendUint64(b, uint64(t.maxTs))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(t.ids)))
		for _, id := range t.ids {
			b = append(b, id[:]...)
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// unmarshalRecord decodes a record read from storage, of the current
// version or version 1 (legacy). Any damage (short, torn, unknown version,
// counts that do not match the length, bad checksum) is an error wrapping
// errCorruptRecord; it never panics.
func unmarshalRecord(b []byte) (journalRecord, error) {
	var r journalRecord
	if len(b) < journalHeaderBytes+numTables*journalTableBytes+journalCRCBytes {
		return r, fmt.Errorf("%w: %d bytes, shorter than a header", errCorruptRecord, len(b))
	}
	if string(b[:4]) != journalMagic {
		return r, fmt.Errorf("%w: bad magic %q", errCorruptRecord, b[:4])
	}
	if b[4] != journalVersion && b[4] != journalLegacyVersion {
		return r, fmt.Errorf("%w: version %d, want %d or %d", errCorruptRecord, b[4], journalLegacyVersion, journalVersion)
	}
	body, sum := b[:len(b)-journalCRCBytes], binary.LittleEndian.Uint32(b[len(b)-journalCRCBytes:])
	if got := crc32.Checksum(body, crcTable); got != sum {
		return r, fmt.Errorf("%w: checksum %08x, want %08x", errCorruptRecord, got, sum)
	}
	r.written = time.Unix(0, int64(binary.LittleEndian.Uint64(body[5:])))
	r.ring = binary.LittleEndian.Uint32(body[13:])
	rest := body[journalHeaderBytes:]
	r.legacy = b[4] == journalLegacyVersion
	if !r.legacy {
		if len(rest) < journalTargetBytes || len(rest) < journalTargetBytes+int(rest[8]) {
			return r, fmt.Errorf("%w: target truncated", errCorruptRecord)
		}
		r.target.hash = binary.LittleEndian.Uint64(rest)
		r.target.name = string(rest[journalTargetBytes : journalTargetBytes+int(rest[8])])
		rest = rest[journalTargetBytes+int(rest[8]):]
	}
	for i := range r.tables {
		if len(rest) < journalTableBytes {
			return r, fmt.Errorf("%w: %s part truncated", errCorruptRecord, journalTables[i])
		}
		t := &r.tables[i]
		t.minTs = int64(binary.LittleEndian.Uint64(rest))
		t.maxTs = int64(binary.LittleEndian.Uint64(rest[8:]))
		n := uint64(binary.LittleEndian.Uint32(rest[16:]))
		rest = rest[journalTableBytes:]
		if n*uint64(len(rowID{})) > uint64(len(rest)) {
			return r, fmt.Errorf("%w: %s claims %d ids in %d bytes", errCorruptRecord, journalTables[i], n, len(rest))
		}
		if n > 0 && t.minTs > t.maxTs {
			return r, fmt.Errorf("%w: %s time range %d > %d", errCorruptRecord, journalTables[i], t.minTs, t.maxTs)
		}
		t.ids = make([]rowID, n)
		for j := range t.ids {
			copy(t.ids[j][:], rest)
			rest = rest[len(rowID{}):]
		}
	}
	if len(rest) != 0 {
		return r, fmt.Errorf("%w: %d bytes after the last table", errCorruptRecord, len(rest))
	}
	return r, nil
}
