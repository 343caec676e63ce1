package llmcall

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSSEParserChunking(t *testing.T) {
	stream := "event: a\r\ndata: {\"x\":1}\r\n\r\n: comment\n\ndata: line1\ndata: line2\n\nevent: b\ndata: tail"
	var want []string
	p := &SSEParser{Limit: 1 << 20, Emit: func(n string, d []byte) { want = append(want, n+"|"+string(d)) }}
	p.Feed([]byte(stream))
	p.Flush()
	if len(want) != 3 || want[0] != `a|{"x":1}` || want[1] != "|line1\nline2" || want[2] != "b|tail" {
		t.Fatalf("events %q", want)
	}
	for size := 1; size < len(stream); size++ {
		var got []string
		p := &SSEParser{Limit: 1 << 20, Emit: func(n string, d []byte) { got = append(got, n+"|"+string(d)) }}
		for i := 0; i < len(stream); i += size {
			p.Feed([]byte(stream[i:min(i+size, len(stream))]))
		}
		p.Flush()
		if len(got) != len(want) {
			t.Fatalf("chunk %d: %q", size, got)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("chunk %d: %q", size, got)
			}
		}
	}
}

func TestSSEParserBounded(t *testing.T) {
	var got []string
	p := &SSEParser{Limit: 16, Emit: func(n string, d []byte) { got = append(got, string(d)) }}
	p.Feed([]byte("data: 0123456789abcdefghij\n\ndata: ok\n\n"))
	if len(got) != 1 || got[0] != "ok" || p.Dropped != 1 {
		t.Fatalf("got %q dropped %d", got, p.Dropped)
	}
}

// FuzzSSEParser: any byte stream, in chunks of 7 bytes; memory and every
// emitted event stay bounded by the parser limit.
func FuzzSSEParser(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/*.sse")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("event: a\r\ndata: x\r\n\r\n: c\n\ndata: 1\ndata: 2\n\ndata: tail"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		p := &SSEParser{Limit: 4096, Emit: func(_ string, d []byte) {
			if len(d) > 4096 {
				t.Fatalf("event of %d bytes over the limit", len(d))
			}
		}}
		for i := 0; i < len(stream); i += 7 {
			p.Feed(stream[i:min(i+7, len(stream))])
			if len(p.line) > 4096 || len(p.data) > 4096 {
				t.Fatalf("parser holds %d+%d bytes", len(p.line), len(p.data))
			}
		}
		p.Flush()
	})
}
