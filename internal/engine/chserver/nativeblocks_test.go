package chserver

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ClickHouse/ch-go/compress"
)

// compressedBlocks frames data as ClickHouse compressed blocks of at most
// blockSize bytes each, cycling through methods.
func compressedBlocks(t testing.TB, data []byte, blockSize int, methods ...compress.Method) []byte {
	t.Helper()
	var out []byte
	for i := 0; len(data) > 0; i++ {
		n := min(len(data), blockSize)
		w := compress.NewWriter(compress.LevelZero, methods[i%len(methods)])
		if err := w.Compress(data[:n]); err != nil {
			t.Fatal(err)
		}
		out = append(out, w.Data...)
		data = data[n:]
	}
	return out
}

func TestReadNativeBlocks(t *testing.T) {
	data := []byte(strings.Repeat("kaizen compressed block payload, ", 40000)) // ~1.3 MB
	valid := compressedBlocks(t, data, 100_000, compress.LZ4, compress.ZSTD, compress.None, compress.LZ4HC)
	corrupt := bytes.Clone(valid)
	corrupt[blockPrefixSize+10] ^= 0xff
	badMethod := compressedBlocks(t, data[:1000], 1000, compress.None)
	badMethod[blockChecksumSize] = 0x33
	rehash(badMethod)
	lie := compressedBlocks(t, data[:1000], 1000, compress.LZ4)
	binary.LittleEndian.PutUint32(lie[blockChecksumSize+5:], 999) // declared size != real size
	huge := compressedBlocks(t, data[:1000], 1000, compress.LZ4)
	binary.LittleEndian.PutUint32(huge[blockChecksumSize+5:], 1<<31)
	bomb := compressedBlocks(t, data[:1000], 1000, compress.LZ4)
	binary.LittleEndian.PutUint32(bomb[blockChecksumSize+1:], 1<<29) // compressed size far over the bound of 1000 bytes
	tests := []struct {
		name    string
		body    io.Reader
		limit   int64
		want    []byte
		over    bool
		wantErr string
	}{
		{name: "whole", body: bytes.NewReader(valid), limit: 1 << 30, want: data},
		{name: "one byte per read", body: iotest.OneByteReader(bytes.NewReader(valid)), limit: 1 << 30, want: data},
		{name: "half reads", body: iotest.HalfReader(bytes.NewReader(valid)), limit: 1 << 30, want: data},
		{name: "EOF with the last data", body: iotest.DataErrReader(bytes.NewReader(valid)), limit: 1 << 30, want: data},
		{name: "empty", body: bytes.NewReader(nil), limit: 10, want: nil},
		{name: "over the limit", body: bytes.NewReader(valid), limit: int64(len(data)) - 1, over: true},
		{name: "exactly the limit", body: bytes.NewReader(valid), limit: int64(len(data)), want: data},
		{name: "truncated header", body: bytes.NewReader(valid[:blockPrefixSize-3]), limit: 1 << 30, wantErr: "ends inside the block's 25-byte header"},
		{name: "truncated payload", body: bytes.NewReader(valid[:len(valid)-1]), limit: 1 << 30, wantErr: "ends inside the block's"},
		{name: "checksum mismatch", body: bytes.NewReader(corrupt), limit: 1 << 30, wantErr: "checksum mismatch"},
		{name: "unknown method", body: bytes.NewReader(badMethod), limit: 1 << 30, wantErr: "unknown compression method 0x33"},
		{name: "size mismatch", body: bytes.NewReader(lie), limit: 1 << 30, wantErr: "checksum mismatch"},
		{name: "declared size over 1 GiB", body: bytes.NewReader(huge), limit: 1 << 40, wantErr: "out of range"},
		{name: "compressed size over the bound", body: bytes.NewReader(bomb), limit: 1 << 40, wantErr: "out of range"},
		{name: "read error", body: iotest.ErrReader(errors.New("connection reset")), limit: 1 << 30, wantErr: "connection reset"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, over, err := readNativeBlocks(tc.body, nil, tc.limit)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if over != tc.over {
				t.Fatalf("over = %t, want %t", over, tc.over)
			}
			if !tc.over && !bytes.Equal(got, tc.want) {
				t.Fatalf("decoded %d bytes, want %d equal bytes", len(got), len(tc.want))
			}
		})
	}
}

// TestReadNativeBlocksSizeMismatch checks a block whose header is
// consistent (checksum recomputed) but whose payload decodes to a
// different size than declared.
func TestReadNativeBlocksSizeMismatch(t *testing.T) {
	for _, m := range []compress.Method{compress.LZ4, compress.ZSTD, compress.None} {
		block := compressedBlocks(t, []byte(strings.Repeat("x", 5000)), 5000, m)
		binary.LittleEndian.PutUint32(block[blockChecksumSize+5:], 4000)
		if m == compress.None {
			binary.LittleEndian.PutUint32(block[blockChecksumSize+5:], 5001)
		}
		rehash(block)
		if _, _, err := readNativeBlocks(bytes.NewReader(block), nil, 1<<20); err == nil || !errors.Is(err, errNativeBlock) {
			t.Errorf("%s: err = %v, want a malformed-block error", m, err)
		}
	}
}

func rehash(block []byte) {
	sum := cityHash(block[blockChecksumSize:])
	binary.LittleEndian.PutUint64(block[0:8], sum[0])
	binary.LittleEndian.PutUint64(block[8:16], sum[1])
}

// FuzzReadNativeBlocks feeds arbitrary bodies to the block reader: it must
// return data or an error, never panic, and never return more than the
// limit.
func FuzzReadNativeBlocks(f *testing.F) {
	f.Add(compressedBlocks(f, []byte("hello, world"), 5, compress.LZ4, compress.ZSTD, compress.None))
	f.Add([]byte{})
	f.Add(make([]byte, blockPrefixSize))
	f.Fuzz(func(t *testing.T, body []byte) {
		const limit = 1 << 20
		got, over, err := readNativeBlocks(bytes.NewReader(body), nil, limit)
		if err == nil && !over && len(got) > limit {
			t.Fatalf("returned %d bytes over the %d limit", len(got), limit)
		}
	})
}
