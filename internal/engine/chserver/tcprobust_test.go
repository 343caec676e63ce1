package chserver_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
)

// rawHello is a client hello for revision 54460 (clickhouse-go's), followed
// by the addendum (an empty quota key) the server reads after its answer.
func rawHello() []byte {
	var b chproto.Buffer
	chproto.ClientHello{Name: "raw-test", Major: 1, Minor: 0, ProtocolVersion: 54460, Database: "default", User: "default"}.Encode(&b)
	return b.Buf
}

// rawQuery is a Query packet for body, then the empty Data packet that
// ends the (absent) external tables.
func rawQuery(body string) []byte {
	return append(rawQueryOnly(body), dataHeader("", 0, 0)...)
}

// rawQueryOnly is the Query packet alone.
func rawQueryOnly(body string) []byte {
	var b chproto.Buffer
	chproto.Query{ID: "q1", Body: body, Info: chproto.ClientInfo{Interface: chproto.InterfaceTCP, ProtocolVersion: 54460},
		Compression: chproto.CompressionDisabled}.EncodeAware(&b, 54460)
	return b.Buf
}

// rawCompressedQuery is a Query packet for body asking for compressed
// Data packets, then the start of the (compressed) external-tables Data
// packet: its code and empty table name.
func rawCompressedQuery(body string) []byte {
	var b chproto.Buffer
	chproto.Query{ID: "q1", Body: body, Info: chproto.ClientInfo{Interface: chproto.InterfaceTCP, ProtocolVersion: 54460},
		Compression: chproto.CompressionEnabled}.EncodeAware(&b, 54460)
	chproto.ClientCodeData.Encode(&b)
	b.PutString("")
	return b.Buf
}

// frameHeader is a compressed frame's 25-byte header (a zero checksum,
// LZ4) declaring the given sizes, with no payload after it.
func frameHeader(compressed, size uint32) []byte {
	h := make([]byte, 25)
	h[16] = 0x82
	binary.LittleEndian.PutUint32(h[17:], compressed)
	binary.LittleEndian.PutUint32(h[21:], size)
	return h
}

// dataHeader starts a Data packet for table with a block of cols columns
// and rows rows (the columns themselves follow).
func dataHeader(table string, cols, rows uint64) []byte {
	var b chproto.Buffer
	chproto.ClientCodeData.Encode(&b)
	b.PutString(table)
	chproto.BlockInfo{BucketNum: -1}.Encode(&b)
	b.PutUVarInt(cols)
	b.PutUVarInt(rows)
	return b.Buf
}

// exchange connects, writes each part (reading the server hello after a
// part that starts with a hello), then reads until the server closes the
// connection. It returns the exception the server sent last, if any.
func exchange(t *testing.T, addr string, parts ...[]byte) *chproto.Exception {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	for _, p := range parts {
		if _, err := nc.Write(p); err != nil {
			break // the server may have closed already
		}
	}
	if c, ok := nc.(*net.TCPConn); ok {
		_ = c.CloseWrite()
	}
	data, err := io.ReadAll(nc)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server did not close the connection: %v", err)
		}
	}
	r := chproto.NewReader(bytes.NewReader(data))
	var last *chproto.Exception
	for {
		code, err := r.UVarInt()
		if err != nil {
			return last
		}
		switch chproto.ServerCode(code) {
		case chproto.ServerCodeHello:
			var h chproto.ServerHello
			if err := h.DecodeAware(r, 54460); err != nil {
				t.Fatalf("server hello: %v", err)
			}
		case chproto.ServerCodeException:
			var e chproto.Exception
			if err := e.DecodeAware(r, 54460); err != nil {
				t.Fatalf("exception: %v", err)
			}
			last = &e
		default:
			return last // data, progress: not inspected here
		}
	}
}

func TestNativeMalformedInput(t *testing.T) {
	addr := startTCP(t, chserver.Config{})
	addendum := []byte{0} // empty quota key
	hugeString := func() []byte {
		var b chproto.Buffer
		chproto.ClientCodeHello.Encode(&b)
		b.PutUVarInt(1 << 60) // client name length
		return b.Buf
	}
	tests := []struct {
		name  string
		parts [][]byte
		code  int32 // 0: closed without an exception
	}{
		{"http request", [][]byte{[]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")}, 101},
		{"garbage", [][]byte{{0xff, 0xff, 0xff, 0x7f, 1, 2, 3}}, 101},
		{"huge hello string", [][]byte{hugeString()}, 101},
		{"truncated hello", [][]byte{rawHello()[:10]}, 101},
		{"old client", [][]byte{func() []byte {
			var b chproto.Buffer
			chproto.ClientHello{Name: "old", ProtocolVersion: 54000}.Encode(&b)
			return b.Buf
		}()}, 399},
		{"unknown packet", [][]byte{rawHello(), addendum, {99}}, 100},
		{"second hello", [][]byte{rawHello(), addendum, rawHello()}, 101},
		{"truncated query", [][]byte{rawHello(), addendum, rawQuery("SELECT 1")[:12]}, 101},
		{"huge query string", [][]byte{rawHello(), addendum, {1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}}, 101},
		{"garbage query", [][]byte{rawHello(), addendum, {1}, bytes.Repeat([]byte{0xfe}, 64)}, 101},
		{"hostile block", [][]byte{rawHello(), addendum, rawQueryOnly("SELECT 1"), dataHeader("", 1<<40, 1<<50)}, 117},
		{"compressed frame over the limit", [][]byte{rawHello(), addendum, rawCompressedQuery("SELECT 1"), frameHeader(100<<20, 100<<20)}, 290},
		{"compressed frame over the bound", [][]byte{rawHello(), addendum, rawCompressedQuery("SELECT 1"), frameHeader(100<<20, 10)}, 271},
		{"external table", [][]byte{rawHello(), addendum, rawQueryOnly("SELECT 1"), func() []byte {
			b := chproto.Buffer{Buf: dataHeader("ext", 1, 1)}
			b.PutString("x")
			b.PutString("UInt8")
			b.PutBool(false)
			b.PutUInt8(7)
			return b.Buf
		}(), dataHeader("", 0, 0)}, 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := exchange(t, addr, tt.parts...)
			switch {
			case tt.code == 0 && ex != nil:
				t.Errorf("exception %d %s, want the connection closed without one", ex.Code, ex.Message)
			case tt.code != 0 && ex == nil:
				t.Errorf("no exception, want code %d", tt.code)
			case tt.code != 0 && int32(ex.Code) != tt.code:
				t.Errorf("exception %d %q, want code %d", ex.Code, ex.Message, tt.code)
			}
			// The server keeps serving.
			conn := openTCP(t, "tcp://"+addr+"/default")
			if err := conn.Ping(context.Background()); err != nil {
				t.Fatalf("ping after %s: %v", tt.name, err)
			}
		})
	}
}
