package chserver_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestNativeConcurrentConnections runs writers and readers on their own
// connections at once and finds every row.
func TestNativeConcurrentConnections(t *testing.T) {
	addr := startTCP(t, chserver.Config{})
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".events (w UInt32, i UInt32, s String) ENGINE = MergeTree ORDER BY (w, i)")
	const writers, readers, batches, rowsPerBatch = 6, 4, 10, 500
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	for w := range writers {
		wg.Go(func() {
			conn := openTCP(t, "tcp://"+addr+"/"+db+"?compress=lz4")
			for b := range batches {
				batch, err := conn.PrepareBatch(ctx, "INSERT INTO events")
				if err != nil {
					errs <- err
					return
				}
				for i := range rowsPerBatch {
					_ = batch.Append(uint32(w), uint32(b*rowsPerBatch+i), strings.Repeat("x", i%50))
				}
				if err := batch.Send(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range readers {
		wg.Go(func() {
			conn := openTCP(t, "tcp://"+addr+"/"+db)
			for range 3 * batches {
				var n uint64
				if err := conn.QueryRow(ctx, "SELECT count() FROM events").Scan(&n); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := strconv.Itoa(writers * batches * rowsPerBatch)
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".events"); got != want {
		t.Errorf("rows = %s, want %s", got, want)
	}
}

// TestNativeRequestLimit: INSERT data over max_request_bytes is
// LIMIT_EXCEEDED, nothing is inserted, and the server keeps serving.
func TestNativeRequestLimit(t *testing.T) {
	addr := startTCP(t, chserver.Config{MaxRequestBytes: 64 << 10})
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".blobs (s String) ENGINE = MergeTree ORDER BY s")
	ctx := context.Background()
	conn := openTCP(t, "tcp://"+addr+"/"+db)
	insertOverLimit(t, ctx, conn)
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".blobs"); got != "0" {
		t.Errorf("rows after a refused insert = %s, want 0", got)
	}
	insertSmall(t, ctx, conn, "fits")
}

// insertOverLimit inserts 100 KiB into blobs in one batch and expects
// LIMIT_EXCEEDED (the server's limit is 64 KiB).
func insertOverLimit(t *testing.T, ctx context.Context, conn driver.Conn) {
	t.Helper()
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO blobs")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		_ = batch.Append(strings.Repeat(strconv.Itoa(i%10), 1024))
	}
	err = batch.Send()
	var ex *clickhouse.Exception
	if !errors.As(err, &ex) || ex.Code != 290 {
		t.Fatalf("100 KiB insert with a 64 KiB limit: %v, want exception 290", err)
	}
}

// insertSmall inserts one row into blobs, after a refused insert.
func insertSmall(t *testing.T, ctx context.Context, conn driver.Conn, s string) {
	t.Helper()
	small, err := conn.PrepareBatch(ctx, "INSERT INTO blobs")
	if err != nil {
		t.Fatal(err)
	}
	_ = small.Append(s)
	if err := small.Send(); err != nil {
		t.Fatalf("small insert after a refused one: %v", err)
	}
}

// TestNativeShutdown: Shutdown lets a running query finish and answer,
// closes idle connections and refuses new ones.
func TestNativeShutdown(t *testing.T) {
	srv, err := chserver.ListenTCP(chtest.Server().Conn(), chserver.Config{TCPEndpoint: "127.0.0.1:0"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	ctx := context.Background()
	busy := openTCP(t, "tcp://"+addr+"/default")
	idle := openTCP(t, "tcp://"+addr+"/default")
	if err := idle.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var n, z uint64
		err := busy.QueryRow(ctx, "SELECT count(), sum(sleepEachRow(0.25)) FROM numbers(4) SETTINGS function_sleep_max_microseconds_per_block = 0, max_block_size = 1").Scan(&n, &z)
		if err == nil && n != 4 {
			err = errors.New("count = " + strconv.FormatUint(n, 10))
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond) // the query is running
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if waited := time.Since(start); waited < 400*time.Millisecond {
		t.Errorf("shutdown returned after %s, before the 1 s query could finish", waited)
	}
	if err := <-done; err != nil {
		t.Errorf("query running at shutdown: %v, want its answer", err)
	}
	if err := idle.Ping(ctx); err == nil {
		t.Error("idle connection still answers after shutdown")
	}
	fresh, err := clickhouse.Open(&clickhouse.Options{Addr: []string{addr}, DialTimeout: 2 * time.Second})
	if err == nil {
		if err = fresh.Ping(ctx); err == nil {
			t.Error("new connection accepted after shutdown")
		}
		_ = fresh.Close()
	}
	if err := srv.Shutdown(sctx); err != nil {
		t.Errorf("second shutdown: %v", err)
	}
}

// TestListenTCPErrors: a bad or busy endpoint is a clear error.
func TestListenTCPErrors(t *testing.T) {
	busy := startTCP(t, chserver.Config{})
	tests := []struct {
		endpoint, want string
	}{
		{":9000", "empty host would listen on every interface"},
		{"127.0.0.1", "want host:port"},
		{busy, "set tcp_endpoint"},
	}
	for _, tt := range tests {
		_, err := chserver.ListenTCP(chtest.Server().Conn(), chserver.Config{TCPEndpoint: tt.endpoint}, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ListenTCP(%q) = %v, want an error containing %q", tt.endpoint, err, tt.want)
		}
	}
}

// TestNativeQueryTimeout: Config.QueryTimeout caps max_execution_time over
// the native protocol as over HTTP, even when the client asks for more.
func TestNativeQueryTimeout(t *testing.T) {
	addr := startTCP(t, chserver.Config{QueryTimeout: time.Second})
	conn := openTCP(t, "tcp://"+addr+"/default")
	ctx := clickhouse.Context(context.Background(), clickhouse.WithSettings(clickhouse.Settings{"max_execution_time": 60}))
	start := time.Now()
	err := conn.Exec(ctx, "SELECT sleepEachRow(0.5) FROM numbers(8) SETTINGS function_sleep_max_microseconds_per_block = 0, max_block_size = 1")
	var ex *clickhouse.Exception
	if !errors.As(err, &ex) || ex.Code != 159 {
		t.Fatalf("4 s query with a 1 s query_timeout: %v, want exception 159 (TIMEOUT_EXCEEDED)", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("timed out after %s, want about 1 s", elapsed)
	}
}
