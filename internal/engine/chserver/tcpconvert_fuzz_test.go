package chserver

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// fuzzRevision is clickhouse-go's protocol revision.
const fuzzRevision = 54460

// seedBlock encodes one row of values into a block of the given columns,
// as clickhouse-go sends it in a Data packet.
func seedBlock(tb testing.TB, cols [][2]string, rows ...[]any) []byte {
	tb.Helper()
	block := proto.NewBlock()
	for _, c := range cols {
		if err := block.AddColumn(c[0], column.Type(c[1])); err != nil {
			tb.Fatal(err)
		}
	}
	for _, r := range rows {
		if err := block.Append(r...); err != nil {
			tb.Fatal(err)
		}
	}
	var buf chproto.Buffer
	if err := block.Encode(&buf, fuzzRevision); err != nil {
		tb.Fatal(err)
	}
	return buf.Buf
}

// validBlocks are Data blocks clickhouse-go sends, of every type Kaizen's
// schema uses.
func validBlocks(tb testing.TB) [][]byte {
	ts := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	return [][]byte{
		seedBlock(tb, [][2]string{{"n", "UInt64"}, {"s", "String"}}, []any{uint64(7), "x\x00y"}, []any{uint64(8), ""}),
		seedBlock(tb, [][2]string{{"ts", "DateTime64(9)"}, {"lc", "LowCardinality(String)"}, {"m", "Map(LowCardinality(String), String)"}},
			[]any{ts, "chat", map[string]string{"k": "v"}}),
		seedBlock(tb, [][2]string{{"a", "Array(String)"}, {"d", "Decimal(18, 12)"}, {"b", "Bool"}, {"f", "Float64"}, {"u", "UUID"}, {"ns", "Nullable(String)"}},
			[]any{[]string{"p", "q"}, "1.5", true, 2.5, "123e4567-e89b-12d3-a456-426614174000", nil}),
		seedBlock(tb, [][2]string{{"e.a", "Array(DateTime64(9))"}, {"t", "Tuple(a LowCardinality(Nullable(String)), b Array(Map(String, UInt8)))"}, {"x", "Enum8('a,b(' = 1)"}},
			[]any{[]time.Time{ts}, []any{"v", []map[string]uint8{{"k": 1}}}, "a,b("}),
		seedBlock(tb, nil),
	}
}

// TestConvertBlock converts valid blocks to revision 0 and finds the rows
// clickhouse-go's own decoder reads from the result.
func TestConvertBlock(t *testing.T) {
	for i, data := range validBlocks(t) {
		var out bytes.Buffer
		cols, rows, _, err := convertBlock(chproto.NewReader(bytes.NewReader(data)), fuzzRevision, &out, 1<<20)
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		var decoded uint64
		if err := eachNativeBlock(out.Bytes(), func(b *proto.Block) error {
			decoded += uint64(b.Rows())
			if uint64(len(b.Columns)) != cols {
				t.Errorf("block %d: %d columns, converted %d", i, len(b.Columns), cols)
			}
			return nil
		}); err != nil {
			t.Fatalf("block %d: revision-0 output does not decode: %v", i, err)
		}
		if decoded != rows {
			t.Errorf("block %d: decoded %d rows, converted %d", i, decoded, rows)
		}
		if _, _, _, err := convertBlock(chproto.NewReader(bytes.NewReader(data)), fuzzRevision, io.Discard, uint64(out.Len()-1)); rows > 0 && !errors.Is(err, errBlockTooLarge) {
			t.Errorf("block %d with a limit one byte short: %v, want errBlockTooLarge", i, err)
		}
	}
}

// FuzzConvertBlock feeds arbitrary bytes to the converter of client Data
// blocks: it must return an error or a block, never panic nor write more
// than its limit, and a block it accepts, converted again from revision 0,
// comes out byte for byte the same.
func FuzzConvertBlock(f *testing.F) {
	for _, seed := range validBlocks(f) {
		f.Add(seed)
	}
	// Found by fuzzing clickhouse-go's decoder: a Map whose type name is
	// garbled after a valid LowCardinality column (it allocated ~1.5 TB).
	f.Add([]byte("\x01\x00\x02\xff\xff\xff\xff\x00\x03\x01\x02ts\rDateTime64(9)\x00\b\xb6\x9e\x85\x01\x8b\x99\x18\x02lc\x16LowCardinality(String)\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x06\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x04chat\x01\x00\x00\x00\x00\x00\x00\x00\x01\x01m#Map(LowCardin\x01\x00ity(String), String)"))
	f.Fuzz(func(t *testing.T, data []byte) {
		limit := uint64(4*len(data) + 1024)
		var out bytes.Buffer
		_, rows, written, err := convertBlock(chproto.NewReader(bytes.NewReader(data)), fuzzRevision, &out, limit)
		if uint64(out.Len()) > limit {
			t.Fatalf("converted %d bytes, over the limit of %d", out.Len(), limit)
		}
		if err != nil || rows == 0 {
			return
		}
		if written != uint64(out.Len()) {
			t.Fatalf("reported %d bytes written, wrote %d", written, out.Len())
		}
		var again bytes.Buffer
		_, rows2, _, err := convertBlock(chproto.NewReader(bytes.NewReader(out.Bytes())), 0, &again, limit)
		if err != nil || rows2 != rows || !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("revision-0 block does not convert to itself: %v, %d rows of %d", err, rows2, rows)
		}
	})
}

// FuzzReadHello feeds arbitrary bytes to the hello decoder, which runs
// before authentication: it must never panic nor allocate more than the
// input could hold, and a hello it encodes decodes back.
func FuzzReadHello(f *testing.F) {
	var b chproto.Buffer
	hello := chproto.ClientHello{Name: "clickhouse-go/2.51", Major: 2, Minor: 51, ProtocolVersion: 54460, Database: "kaizen", User: "default", Password: "p"}
	hello.Encode(&b)
	f.Add(b.Buf[1:]) // without the packet code, as readHello sees it
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := readHello(chproto.NewReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		var out chproto.Buffer
		got.Encode(&out)
		again, err := readHello(chproto.NewReader(bytes.NewReader(out.Buf[1:])))
		if err != nil || again != got {
			t.Fatalf("hello %+v does not round-trip: %+v, %v", got, again, err)
		}
	})
}

// FuzzReadQuery feeds arbitrary bytes to the Query packet reader: it must
// never panic nor allocate what the input does not hold, and a query it
// encodes reads back.
func FuzzReadQuery(f *testing.F) {
	q := chproto.Query{ID: "q", Body: "SELECT {p:String}", Info: chproto.ClientInfo{Interface: chproto.InterfaceTCP, ProtocolVersion: fuzzRevision},
		Settings: []chproto.Setting{{Key: "max_threads", Value: "2"}}, Parameters: []chproto.Parameter{{Key: "p", Value: "'x'"}}}
	var b chproto.Buffer
	q.EncodeAware(&b, fuzzRevision)
	f.Add(b.Buf[1:]) // without the packet code
	f.Add([]byte{0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := readQuery(chproto.NewReader(bytes.NewReader(data)), fuzzRevision, uint64(len(data)))
		if err != nil {
			return
		}
		var out chproto.Buffer
		got.EncodeAware(&out, fuzzRevision)
		again, err := readQuery(chproto.NewReader(bytes.NewReader(out.Buf[1:])), fuzzRevision, uint64(len(out.Buf)))
		if err != nil || again.Body != got.Body || again.ID != got.ID || len(again.Settings) != len(got.Settings) || len(again.Parameters) != len(got.Parameters) {
			t.Fatalf("query %+v does not round-trip: %+v, %v", got, again, err)
		}
	})
}
