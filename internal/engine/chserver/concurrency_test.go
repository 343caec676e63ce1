package chserver_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// concurrencyDuration is how long TestConcurrentWritersReaders runs; issue 2
// asks for 10 s.
const concurrencyDuration = 10 * time.Second

// TestConcurrentWritersReaders runs 8 writers and 4 readers through
// clickhouse-go HTTP for concurrencyDuration; every acknowledged row must be
// there, exactly once.
func TestConcurrentWritersReaders(t *testing.T) {
	const writers, readers, batchRows = 8, 4, 200
	db := chtest.NewDatabase(t)
	conn := openHTTP(t, db, func(o *clickhouse.Options) { o.MaxOpenConns = writers + readers })
	ctx := context.Background()
	if err := conn.Exec(ctx, "CREATE TABLE t (w UInt8, seq UInt32, i UInt32) ENGINE = MergeTree ORDER BY (w, seq, i)"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(concurrencyDuration)
	var acked [writers]atomic.Int64
	var reads atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for seq := 0; time.Now().Before(deadline); seq++ {
				batch, err := conn.PrepareBatch(ctx, "INSERT INTO t")
				if err != nil {
					t.Error(err)
					return
				}
				for i := range batchRows {
					if err := batch.Append(uint8(w), uint32(seq), uint32(i)); err != nil {
						t.Error(err)
						return
					}
				}
				if err := batch.Send(); err != nil {
					t.Errorf("writer %d batch %d: %v", w, seq, err)
					return
				}
				acked[w].Add(batchRows)
			}
		})
	}
	for range readers {
		wg.Go(func() {
			var last uint64
			for time.Now().Before(deadline) {
				var n uint64
				if err := conn.QueryRow(ctx, "SELECT count() FROM t").Scan(&n); err != nil {
					t.Errorf("reader: %v", err)
					return
				}
				if n < last {
					t.Errorf("count went down: %d after %d", n, last)
				}
				last = n
				reads.Add(1)
			}
		})
	}
	wg.Wait()
	var total int64
	for w := range writers {
		got := chtest.Scalar(t, fmt.Sprintf("SELECT count() FROM %s.t WHERE w = %d", db, w))
		if want := fmt.Sprint(acked[w].Load()); got != want {
			t.Errorf("writer %d: %s rows stored, %s acknowledged", w, got, want)
		}
		total += acked[w].Load()
	}
	if got := chtest.Scalar(t, "SELECT uniqExact(w, seq, i) FROM "+db+".t"); got != fmt.Sprint(total) {
		t.Errorf("distinct rows %s, want %d", got, total)
	}
	if total == 0 || reads.Load() == 0 {
		t.Errorf("no work done: %d rows, %d reads", total, reads.Load())
	}
	t.Logf("%d rows in %d batches, %d reads in %s", total, total/batchRows, reads.Load(), concurrencyDuration)
}

// TestConcurrentDatabases proves the per-request database holds under
// concurrency: requests for different databases never see each other's.
func TestConcurrentDatabases(t *testing.T) {
	dbs := []string{chtest.NewDatabase(t), chtest.NewDatabase(t), chtest.NewDatabase(t)}
	var wg sync.WaitGroup
	for i := range 12 {
		db := dbs[i%len(dbs)]
		conn := openHTTP(t, db)
		wg.Go(func() {
			for range 40 {
				var got string
				if err := conn.QueryRow(context.Background(), "SELECT currentDatabase()").Scan(&got); err != nil {
					t.Error(err)
					return
				}
				if got != db {
					t.Errorf("currentDatabase() = %s, want %s", got, db)
				}
			}
		})
	}
	wg.Wait()
}

// TestClickHouseGoCompression exercises every compression clickhouse-go
// offers over HTTP, for inserts and selects.
func TestClickHouseGoCompression(t *testing.T) {
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".t (method String, i UInt32, s String) ENGINE = MergeTree ORDER BY (method, i)")
	methods := map[string]clickhouse.CompressionMethod{
		"gzip": clickhouse.CompressionGZIP, "deflate": clickhouse.CompressionDeflate, "br": clickhouse.CompressionBrotli,
		"lz4": clickhouse.CompressionLZ4, "zstd": clickhouse.CompressionZSTD,
	}
	for name, method := range methods {
		t.Run(name, func(t *testing.T) {
			conn := openHTTP(t, db, func(o *clickhouse.Options) { o.Compression = &clickhouse.Compression{Method: method} })
			ctx := context.Background()
			batch, err := conn.PrepareBatch(ctx, "INSERT INTO t")
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3000 {
				if err := batch.Append(name, uint32(i), fmt.Sprintf("row %d of %s, repeated text to compress", i, name)); err != nil {
					t.Fatal(err)
				}
			}
			if err := batch.Send(); err != nil {
				t.Fatalf("send: %v", err)
			}
			rows, err := conn.Query(ctx, "SELECT i, s FROM t WHERE method = ? ORDER BY i", name)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for ; rows.Next(); n++ {
				var i uint32
				var s string
				if err := rows.Scan(&i, &s); err != nil {
					t.Fatal(err)
				}
				if int(i) != n || s != fmt.Sprintf("row %d of %s, repeated text to compress", n, name) {
					t.Fatalf("row %d = %d %q", n, i, s)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n != 3000 {
				t.Errorf("read %d rows, want 3000", n)
			}
			err = conn.Exec(ctx, "SELECT * FROM missing_table")
			var ex *clickhouse.Exception
			if !errors.As(err, &ex) || ex.Code != 60 {
				t.Errorf("error with %s compression: %v", name, err)
			}
		})
	}
}
