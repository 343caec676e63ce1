package chserver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ClickHouse/ch-go/compress"
	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestClickHouseGoLargeCompressedBatch inserts batches through
// clickhouse-go over HTTP with ClickHouse block compression (lz4, zstd)
// whose one compressed block decompresses to more than 128 MiB: ch-go's
// stream reader refuses such blocks (it caps them at 128 MiB), ClickHouse
// accepts blocks up to 1 GiB, and so must the embedded server.
func TestClickHouseGoLargeCompressedBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts two 140 MB batches")
	}
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".t (method String, i UInt32, s String) ENGINE = MergeTree ORDER BY (method, i)")
	const rows = 66_000
	pad := strings.Repeat("2 KB of GenAI content, ", 92) // 2116 bytes
	for _, method := range []clickhouse.CompressionMethod{clickhouse.CompressionLZ4, clickhouse.CompressionZSTD} {
		t.Run(method.String(), func(t *testing.T) {
			conn := openHTTP(t, db, func(o *clickhouse.Options) { o.Compression = &clickhouse.Compression{Method: method} })
			batch, err := conn.PrepareBatch(context.Background(), "INSERT INTO t")
			if err != nil {
				t.Fatal(err)
			}
			name := method.String()
			methods, is, ss := make([]string, rows), make([]uint32, rows), make([]string, rows)
			for i := range rows {
				methods[i], is[i], ss[i] = name, uint32(i), fmt.Sprint(i, pad)
			}
			for i, col := range []any{methods, is, ss} {
				if err := batch.Column(i).Append(col); err != nil {
					t.Fatal(err)
				}
			}
			if err := batch.Send(); err != nil {
				t.Fatalf("send %d rows (%d MB) with %s: %v", rows, rows*len(pad)>>20, name, err)
			}
			got := chtest.Scalar(t, fmt.Sprintf("SELECT count(), sum(length(s)), countIf(s != concat(toString(i), %s)) FROM %s.t WHERE method = '%s'",
				quote(pad), db, name))
			want := fmt.Sprintf("%d\t%d\t0", rows, totalLen(rows, len(pad)))
			if got != want {
				t.Fatalf("stored count, bytes, mismatches = %s, want %s", got, want)
			}
		})
	}
}

// TestRawChunkedCompressedInsert sends a decompress=1 body of many
// compressed blocks (LZ4, ZSTD, none) as a chunked request whose writes
// split headers and payloads at arbitrary points, as a streaming client
// does.
func TestRawChunkedCompressedInsert(t *testing.T) {
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".t (i UInt32, s String) ENGINE = MergeTree ORDER BY i")
	const rows = 20_000
	var tsv strings.Builder
	for i := range rows {
		fmt.Fprintf(&tsv, "%d\trow %d %s\n", i, i, strings.Repeat("z", i%300))
	}
	data := []byte(tsv.String())
	var body []byte
	methods := []compress.Method{compress.LZ4, compress.ZSTD, compress.None, compress.LZ4HC}
	for i := 0; len(data) > 0; i++ {
		n := min(len(data), 65_536+i*7)
		w := compress.NewWriter(compress.LevelZero, methods[i%len(methods)])
		if err := w.Compress(data[:n]); err != nil {
			t.Fatal(err)
		}
		body = append(body, w.Data...)
		data = data[n:]
	}
	pr, pw := io.Pipe()
	go func() {
		for i, rest := 0, body; len(rest) > 0; i++ {
			n := min(len(rest), 1+i*37%4099) // 1..4099-byte writes: chunks end mid-header and mid-payload
			if _, err := pw.Write(rest[:n]); err != nil {
				return
			}
			rest = rest[n:]
		}
		_ = pw.Close()
	}()
	params := url.Values{"database": {db}, "decompress": {"1"}, "query": {"INSERT INTO t FORMAT TSV"}}
	req, err := http.NewRequest(http.MethodPost, chtest.URL()+"/?"+params.Encode(), pr)
	if err != nil {
		t.Fatal(err)
	}
	if req.ContentLength != 0 {
		t.Fatalf("request length %d, want unknown (0): the body must go chunked", req.ContentLength)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, msg)
	}
	if got := chtest.Scalar(t, "SELECT count(), sum(length(s)) FROM "+db+".t"); got != fmt.Sprintf("%d\t%d", rows, rawLen(rows)) {
		t.Fatalf("stored count, bytes = %s", got)
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }

// totalLen is the summed length of fmt.Sprint(i, pad) for i < rows.
func totalLen(rows, pad int) int {
	n := 0
	for i := range rows {
		n += len(fmt.Sprint(i)) + pad
	}
	return n
}

// rawLen is the summed length of the s column TestRawChunkedCompressedInsert writes.
func rawLen(rows int) int {
	n := 0
	for i := range rows {
		n += len(fmt.Sprintf("row %d ", i)) + i%300
	}
	return n
}
