package chserver

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/ClickHouse/ch-go/compress"
	chproto "github.com/ClickHouse/ch-go/proto"
)

// guardedReader reads the decompressed stream of frames through a
// frameGuard with budget, as session.blockReader does.
func guardedReader(frames []byte, budget int64) *chproto.Reader {
	return chproto.NewReader(compress.NewReader(&frameGuard{r: bytes.NewReader(frames), budget: budget}))
}

// withSizes returns frames (one frame) with its header's compressed and
// decompressed sizes replaced.
func withSizes(frame []byte, compressed, size uint32) []byte {
	f := bytes.Clone(frame)
	binary.LittleEndian.PutUint32(f[blockChecksumSize+1:], compressed)
	binary.LittleEndian.PutUint32(f[blockChecksumSize+5:], size)
	return f
}

func TestFrameGuard(t *testing.T) {
	data := []byte(strings.Repeat("kaizen native frame, ", 5000)) // ~100 KB
	valid := compressedBlocks(t, data, 30_000, compress.LZ4, compress.ZSTD, compress.None, compress.LZ4HC)
	one := compressedBlocks(t, data[:1000], 1000, compress.LZ4)
	tests := []struct {
		name    string
		frames  []byte
		budget  int64
		read    int
		wantErr error // nil: the data reads back
		errText string
	}{
		{name: "every method", frames: valid, budget: int64(len(data)), read: len(data)},
		{name: "over the budget", frames: valid, budget: int64(len(data)) - 1, read: len(data), wantErr: errBlockTooLarge},
		{name: "hostile size", frames: withSizes(one, 1<<27, 1000)[:blockPrefixSize], budget: 1 << 30, read: 1, wantErr: errNativeBlock, errText: "LZ4/ZSTD bound"},
		{name: "over the frame cap", frames: withSizes(one, 1<<27, 1<<27+1)[:blockPrefixSize], budget: 1 << 30, read: 1, wantErr: errNativeBlock, errText: "per frame"},
		{name: "compressed size under the header", frames: withSizes(one, 8, 0), budget: 1 << 30, read: 1, wantErr: errNativeBlock},
		{name: "size over the remaining budget", frames: withSizes(one, 1<<27, 1<<27)[:blockPrefixSize], budget: 1 << 20, read: 1, wantErr: errBlockTooLarge},
		{name: "truncated header", frames: one[:10], budget: 1 << 20, read: 1, wantErr: io.ErrUnexpectedEOF},
		{name: "truncated payload", frames: one[:len(one)-1], budget: 1 << 20, read: 1, wantErr: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]byte, tt.read)
			err := guardedReader(tt.frames, tt.budget).ReadFull(got)
			if tt.wantErr == nil {
				if err != nil || !bytes.Equal(got, data[:tt.read]) {
					t.Fatalf("ReadFull = %v, data equal %v", err, bytes.Equal(got, data[:tt.read]))
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("ReadFull = %v, want %v containing %q", err, tt.wantErr, tt.errText)
			}
		})
	}
}

// TestFrameGuardAllocation: a frame header declaring 128 MiB with a 1 MiB
// budget is refused before ch-go allocates for it.
func TestFrameGuardAllocation(t *testing.T) {
	one := compressedBlocks(t, []byte("x"), 1, compress.LZ4)
	hostile := withSizes(one, 1<<27, 1<<27)[:blockPrefixSize]
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := guardedReader(hostile, 1<<20).ReadFull(make([]byte, 1))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errBlockTooLarge) {
		t.Fatalf("ReadFull = %v, want errBlockTooLarge", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("allocated %d bytes for a refused 128 MiB frame header, want under 16 MiB", grew)
	}
}

// FuzzFrameGuard: whatever the frames, the guard never lets more than its
// budget be decompressed, and reading never panics.
func FuzzFrameGuard(f *testing.F) {
	data := []byte(strings.Repeat("fuzz frame ", 300))
	valid := compressedBlocks(f, data, 1000, compress.LZ4, compress.ZSTD, compress.None)
	one := compressedBlocks(f, data[:100], 100, compress.LZ4)
	for _, seed := range [][]byte{valid, one, withSizes(one, 1<<27, 1<<27), withSizes(one, 8, 0), one[:20], nil} {
		f.Add(seed, uint32(len(data)))
		f.Add(seed, uint32(50))
	}
	f.Fuzz(func(t *testing.T, frames []byte, budget uint32) {
		r := guardedReader(frames, int64(budget))
		n, _ := io.Copy(io.Discard, io.LimitReader(r, int64(budget)+1))
		if n > int64(budget) {
			t.Fatalf("decompressed %d bytes with a budget of %d", n, budget)
		}
	})
}
