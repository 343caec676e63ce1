package chdb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestQueryFormats(t *testing.T) {
	tests := []struct {
		name, query, format, want string
	}{
		{"json each row", "SELECT 1 AS x, 'a' AS y", "JSONEachRow", `{"x":1,"y":"a"}` + "\n"},
		{"tab separated", "SELECT 40 + 2", "TabSeparated", "42\n"},
		{"csv", "SELECT 'a,b' AS s", "CSV", "\"a,b\"\n"},
		{"format clause wins over default", "SELECT 7 FORMAT CSV", "JSONEachRow", "7\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := store.QueryString(context.Background(), tt.query, tt.format)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(r.Data); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	tests := []struct {
		name, query string
		code        int
	}{
		{"syntax", "SELEC 1", CodeSyntaxError},
		{"unknown table", "SELECT * FROM nodb_errors.nothing", CodeUnknownDatabase},
		{"unknown format", "SELECT 1 FORMAT NoSuchFormat", CodeUnknownFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.QueryString(context.Background(), tt.query, "")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Code != tt.code {
				t.Errorf("code = %d, want %d (%s)", e.Code, tt.code, e.Message)
			}
			if !strings.Contains(e.Error(), "DB::Exception") {
				t.Errorf("message lost: %q", e.Error())
			}
		})
	}
	// The store keeps serving after errors.
	if got := scalar(t, "SELECT 1"); got != "1" {
		t.Fatalf("after errors: %q", got)
	}
}

func TestQueryParams(t *testing.T) {
	exec(t, "CREATE DATABASE IF NOT EXISTS params_test",
		"CREATE TABLE params_test.t (id UInt64, s String) ENGINE = MergeTree ORDER BY id")
	hostile := "x'); DROP TABLE params_test.t; --\x00\"\\"
	_, err := store.QueryParams(context.Background(),
		[]byte("INSERT INTO params_test.t SELECT {id:UInt64}, {s:String}"), "", map[string]string{"id": "7", "s": EscapeParam(hostile)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := store.QueryParams(context.Background(),
		[]byte("SELECT s FROM params_test.t WHERE id = {id:UInt64}"), "RowBinary", map[string]string{"id": "7"})
	if err != nil {
		t.Fatal(err)
	}
	// RowBinary String: varint length then bytes.
	n, k := binary.Uvarint(r.Data)
	if got := string(r.Data[k : k+int(n)]); got != hostile {
		t.Errorf("round trip = %q, want %q", got, hostile)
	}
	if _, err := store.QueryParams(context.Background(), []byte("SELECT {n:UInt8}"), "", map[string]string{"n": "not a number"}); err == nil {
		t.Error("bad parameter value accepted")
	}
}

func TestInsertWithNULAndInvalidUTF8(t *testing.T) {
	exec(t, "CREATE DATABASE IF NOT EXISTS binary_test",
		"CREATE TABLE binary_test.t (s String) ENGINE = MergeTree ORDER BY tuple()")
	var body bytes.Buffer
	body.WriteString("INSERT INTO binary_test.t FORMAT RowBinary\n")
	values := []string{"a\x00b", "\xff\xfe invalid utf-8", ""}
	for _, v := range values {
		body.Write(binary.AppendUvarint(nil, uint64(len(v))))
		body.WriteString(v)
	}
	r, err := store.Query(context.Background(), body.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	if r.RowsWritten != uint64(len(values)) {
		t.Errorf("rows written = %d, want %d", r.RowsWritten, len(values))
	}
	if got := scalar(t, "SELECT sum(length(s)) FROM binary_test.t"); got != fmt.Sprint(len(values[0])+len(values[1])) {
		t.Errorf("stored length = %s", got)
	}
}

// TestConcurrentReadersWriters proves one connection serves concurrent
// statements: 8 writers and 4 readers, exact counts at the end.
func TestConcurrentReadersWriters(t *testing.T) {
	exec(t, "CREATE DATABASE IF NOT EXISTS concurrency_test",
		"CREATE TABLE concurrency_test.t (w UInt32, i UInt32) ENGINE = MergeTree ORDER BY (w, i)")
	const writers, readers, perWriter = 8, 4, 40
	ctx := context.Background()
	var wg sync.WaitGroup
	var failures atomic.Int64
	var done atomic.Bool
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				q := fmt.Sprintf("INSERT INTO concurrency_test.t FORMAT JSONEachRow {\"w\":%d,\"i\":%d}", w, i)
				if _, err := store.QueryString(ctx, q, ""); err != nil {
					t.Error(err)
					failures.Add(1)
				}
			}
		}()
	}
	var rwg sync.WaitGroup
	for range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for !done.Load() {
				if _, err := store.QueryString(ctx, "SELECT count(), max(i) FROM concurrency_test.t", "JSONEachRow"); err != nil {
					t.Error(err)
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	done.Store(true)
	rwg.Wait()
	if got, want := scalar(t, "SELECT count() FROM concurrency_test.t"), fmt.Sprint(writers*perWriter); got != want {
		t.Errorf("count = %s, want %s", got, want)
	}
	if got := scalar(t, "SELECT uniqExact(w, i) FROM concurrency_test.t"); got != fmt.Sprint(writers*perWriter) {
		t.Errorf("distinct rows = %s", got)
	}
}

func TestContextCancelledBeforeRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := store.QueryString(ctx, "SELECT 1", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestReopen closes the shared store, checks the closed-connection error,
// and reopens the same path: rows written before are still there.
func TestReopen(t *testing.T) {
	exec(t, "CREATE DATABASE IF NOT EXISTS reopen_test",
		"CREATE TABLE reopen_test.t (n UInt64) ENGINE = MergeTree ORDER BY n",
		"INSERT INTO reopen_test.t SELECT number FROM numbers(1000)")
	old := store
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := old.QueryString(context.Background(), "SELECT 1", ""); !errors.Is(err, ErrClosed) {
		t.Errorf("query on closed store: %v, want ErrClosed", err)
	}
	if err := old.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	var err error
	store, err = Open(storePath)
	if err != nil {
		t.Fatal(err)
	}
	if got := scalar(t, "SELECT count(), sum(n) FROM reopen_test.t"); got != "1000\t499500" {
		t.Errorf("after reopen: %q", got)
	}
}

func TestSecondOpenRefused(t *testing.T) {
	_, err := Open(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "already open") {
		t.Fatalf("second Open: %v", err)
	}
}

func TestSettings(t *testing.T) {
	// Settings are per connection: check one through a fresh in-process
	// connection after closing the shared one, then restore it.
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(storePath, WithSetting("max_execution_time", "17"), WithMaxConcurrency(0))
	if err != nil {
		t.Fatal(err)
	}
	store = c
	if got := scalar(t, "SELECT getSetting('max_execution_time')"); got != "17" {
		t.Errorf("max_execution_time = %q", got)
	}
	if cap(c.sem) != 1 {
		t.Errorf("max concurrency = %d, want 1", cap(c.sem))
	}
	start := time.Now()
	_, err = c.QueryString(context.Background(), "SELECT sleepEachRow(1) FROM numbers(3) SETTINGS max_execution_time = 1, max_block_size = 1", "")
	if ErrorCode(err) != CodeTimeoutExceeded {
		t.Errorf("long query: %v (after %s), want code %d", err, time.Since(start), CodeTimeoutExceeded)
	}
}
