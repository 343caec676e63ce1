package chserver_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// startTCP serves the native protocol over the shared store on a free
// port until the test ends and returns its address.
func startTCP(t testing.TB, cfg chserver.Config) string {
	t.Helper()
	return listenTCP(t, cfg).Addr()
}

// listenTCP is startTCP returning the server.
func listenTCP(t testing.TB, cfg chserver.Config) *chserver.TCPServer {
	t.Helper()
	cfg.TCPEndpoint = "127.0.0.1:0"
	srv, err := chserver.ListenTCP(chtest.Server().Conn(), cfg, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shut down native protocol: %v", err)
		}
	})
	return srv
}

// openTCP connects clickhouse-go with dsn (a tcp:// or clickhouse:// DSN).
func openTCP(t testing.TB, dsn string, mutate ...func(*clickhouse.Options)) driver.Conn {
	t.Helper()
	return openDSN(t, dsn, clickhouse.Native, mutate...)
}

// schemaDDL has every type Kaizen's schema uses.
const schemaDDL = `CREATE TABLE spans (
	ts      DateTime64(9),
	name    LowCardinality(String),
	body    String,
	attrs   Map(LowCardinality(String), String),
	tags    Array(String),
	cost    Decimal(18, 12),
	n       UInt64,
	ok      Bool,
	id      UUID,
	score   Float64,
	Events  Nested(Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String))
) ENGINE = MergeTree ORDER BY (ts, n)`

type span struct {
	TS     time.Time
	Name   string
	Body   string
	Attrs  map[string]string
	Tags   []string
	Cost   decimal.Decimal
	N      uint64
	OK     bool
	ID     uuid.UUID
	Score  float64
	EvTS   []time.Time
	EvName []string
	EvAttr []map[string]string
}

func spans(n int) []span {
	base := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	out := make([]span, n)
	for i := range out {
		out[i] = span{
			TS: base.Add(time.Duration(i) * time.Nanosecond), Name: "llm " + strconv.Itoa(i%5),
			Body: "binary\x00\n\nbody ü " + strconv.Itoa(i), Attrs: map[string]string{"gen_ai.system": "openai", "i": strconv.Itoa(i)},
			Tags: []string{"a", "b"}[:i%2+1], Cost: decimal.New(int64(i)*1234567, -12), N: ^uint64(0) - uint64(i),
			OK: i%3 == 0, ID: uuid.New(), Score: float64(i) / 3,
			EvTS: []time.Time{base, base.Add(time.Second)}, EvName: []string{"start", "end"},
			EvAttr: []map[string]string{{"k": "v"}, {"k": strconv.Itoa(i)}},
		}
	}
	return out
}

func insertSpans(ctx context.Context, conn driver.Conn, rows []span, query string) error {
	batch, err := conn.PrepareBatch(ctx, query)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	for _, r := range rows {
		if err := batch.Append(r.TS, r.Name, r.Body, r.Attrs, r.Tags, r.Cost, r.N, r.OK, r.ID, r.Score, r.EvTS, r.EvName, r.EvAttr); err != nil {
			return fmt.Errorf("append: %w", err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

func checkSpans(t *testing.T, ctx context.Context, conn driver.Conn, want []span) {
	t.Helper()
	rows, err := conn.Query(ctx, "SELECT ts, name, body, attrs, tags, cost, n, ok, id, score, Events.Timestamp, Events.Name, Events.Attributes FROM spans ORDER BY ts")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var g span
		if err := rows.Scan(&g.TS, &g.Name, &g.Body, &g.Attrs, &g.Tags, &g.Cost, &g.N, &g.OK, &g.ID, &g.Score, &g.EvTS, &g.EvName, &g.EvAttr); err != nil {
			t.Fatal(err)
		}
		w := want[i]
		if !g.TS.Equal(w.TS) || g.Name != w.Name || g.Body != w.Body || g.Attrs["i"] != w.Attrs["i"] || len(g.Tags) != len(w.Tags) ||
			!g.Cost.Equal(w.Cost) || g.N != w.N || g.OK != w.OK || g.ID != w.ID || g.Score != w.Score ||
			len(g.EvTS) != 2 || !g.EvTS[1].Equal(w.EvTS[1]) || g.EvName[1] != "end" || g.EvAttr[1]["k"] != w.EvAttr[1]["k"] {
			t.Fatalf("row %d = %+v, want %+v", i, g, w)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(want) {
		t.Fatalf("read %d rows, want %d", i, len(want))
	}
}

func TestNativeProtocol(t *testing.T) {
	addr := startTCP(t, chserver.Config{})
	ctx := context.Background()
	tests := []struct {
		name   string
		dsn    string
		mutate func(*clickhouse.Options)
	}{
		{"tcp", "tcp://%s/%s", nil},
		{"clickhouse scheme", "clickhouse://%s/%s", nil},
		{"lz4", "tcp://%s/%s?compress=lz4", nil},
		{"zstd", "tcp://%s/%s?compress=zstd", nil},
		{"lz4hc", "tcp://%s/%s?compress=lz4hc", nil},
		{"zstd server side", "tcp://%s/%s?compress=lz4&network_compression_method=zstd", nil},
		{"small compression buffer", "tcp://%s/%s?compress=lz4", func(o *clickhouse.Options) { o.MaxCompressionBuffer = 1024 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := chtest.NewDatabase(t)
			var mutate []func(*clickhouse.Options)
			if tt.mutate != nil {
				mutate = append(mutate, tt.mutate)
			}
			conn := openTCP(t, fmt.Sprintf(tt.dsn, addr, db), mutate...)
			if err := conn.Ping(ctx); err != nil {
				t.Fatalf("ping: %v", err)
			}
			if err := conn.Exec(ctx, schemaDDL); err != nil {
				t.Fatalf("DDL: %v", err)
			}
			want := spans(3000)
			if err := insertSpans(ctx, conn, want[:1000], "INSERT INTO spans"); err != nil {
				t.Fatal(err)
			}
			if err := insertSpans(ctx, conn, want[1000:], "INSERT INTO spans (ts, name, body, attrs, tags, cost, n, ok, id, score, Events.Timestamp, Events.Name, Events.Attributes)"); err != nil {
				t.Fatal(err)
			}
			checkSpans(t, ctx, conn, want)
		})
	}
}

func TestNativeQueries(t *testing.T) {
	addr := startTCP(t, chserver.Config{})
	db := chtest.NewDatabase(t)
	conn := openTCP(t, "tcp://"+addr+"/"+db+"?compress=lz4")
	ctx := context.Background()
	chtest.Exec(t, "CREATE TABLE "+db+".kv (k String, v UInt64) ENGINE = MergeTree ORDER BY k",
		"INSERT INTO "+db+".kv SELECT 'k' || toString(number), number FROM numbers(200000)")

	t.Run("large result in many blocks", func(t *testing.T) {
		var n, sum uint64
		rows, err := conn.Query(ctx, "SELECT v FROM kv")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v uint64
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			n++
			sum += v
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if n != 200000 || sum != 199999*200000/2 {
			t.Errorf("rows, sum = %d, %d", n, sum)
		}
	})
	t.Run("empty result has columns", func(t *testing.T) {
		rows, err := conn.Query(ctx, "SELECT k, v FROM kv WHERE v > 1e9")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if cols := rows.Columns(); len(cols) != 2 || cols[0] != "k" {
			t.Errorf("columns = %v", cols)
		}
		if rows.Next() {
			t.Error("want no rows")
		}
	})
	t.Run("named parameters and settings", func(t *testing.T) {
		var n uint64
		qctx := clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"key": "k4'2\\\n"}), clickhouse.WithSettings(clickhouse.Settings{"max_threads": 2}))
		if err := conn.QueryRow(qctx, "SELECT count() FROM kv WHERE k = {key:String} OR v = 7 AND getSetting('max_threads') = 2").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("count = %d, want 1", n)
		}
		var s string
		qctx = clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"s": `it's "ü"`}))
		if err := conn.QueryRow(qctx, "SELECT {s:String}").Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s != `it's "ü"` {
			t.Errorf("parameter round trip = %q", s)
		}
		// Arrays of strings, as the exporter's insert journal queries them.
		qctx = clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"keys": `['k1','k2','it\'s']`}))
		if err := conn.QueryRow(qctx, "SELECT count() FROM kv WHERE k IN {keys:Array(String)}").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("count IN array parameter = %d, want 2", n)
		}
	})
	t.Run("insert settings", func(t *testing.T) {
		chtest.Exec(t, "CREATE TABLE "+db+".dedup (k String) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100")
		for range 2 {
			qctx := clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"insert_deduplication_token": "tok-1"}))
			batch, err := conn.PrepareBatch(qctx, "INSERT INTO dedup")
			if err != nil {
				t.Fatal(err)
			}
			if err := batch.Append("x"); err != nil {
				t.Fatal(err)
			}
			if err := batch.Send(); err != nil {
				t.Fatal(err)
			}
		}
		if got := chtest.Scalar(t, "SELECT count() FROM "+db+".dedup"); got != "1" {
			t.Errorf("rows after a duplicate insert = %s, want 1 (insert_deduplication_token ignored?)", got)
		}
		qctx := clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"async_insert": 1, "wait_for_async_insert": 1}))
		batch, err := conn.PrepareBatch(qctx, "INSERT INTO dedup")
		if err != nil {
			t.Fatal(err)
		}
		_ = batch.Append("y")
		if err := batch.Send(); err != nil {
			t.Fatalf("async insert: %v", err)
		}
		if got := chtest.Scalar(t, "SELECT count() FROM "+db+".dedup WHERE k = 'y'"); got != "1" {
			t.Errorf("async insert rows = %s, want 1", got)
		}
	})
	t.Run("inline insert", func(t *testing.T) {
		if err := conn.Exec(ctx, "INSERT INTO kv VALUES ('inline', 1), ('inline', 2)"); err != nil {
			t.Fatal(err)
		}
		if err := conn.Exec(ctx, "INSERT INTO kv FORMAT TSV\ninline\t3\n"); err != nil {
			t.Fatal(err)
		}
		if got := chtest.Scalar(t, "SELECT sum(v) FROM "+db+".kv WHERE k = 'inline'"); got != "6" {
			t.Errorf("inline inserts: sum = %s, want 6", got)
		}
	})
	t.Run("exceptions keep the connection", func(t *testing.T) {
		tests := []struct {
			query string
			code  int32
		}{
			{"SELECT * FROM no_such_table", 60},
			{"SELEC 1", 62},
			{"SELECT no_such_function(1)", 46},
			{"SET max_threads = 1", 48},
			{"SELECT 1 FORMAT JSON", 48},
			{"SELECT 1 FORMAT Native", 48},
			{"SELECT 1; SELECT 2", 62},
		}
		for _, tt := range tests {
			for _, run := range []func() error{
				func() error { return conn.Exec(ctx, tt.query) },
				func() error { _, err := conn.Query(ctx, tt.query); return err },
			} {
				err := run()
				var ex *clickhouse.Exception
				if !errors.As(err, &ex) || ex.Code != tt.code {
					t.Errorf("%s: %v, want exception code %d", tt.query, err, tt.code)
				}
			}
		}
		if _, err := conn.PrepareBatch(ctx, "INSERT INTO no_such_table"); err == nil {
			t.Error("PrepareBatch on a missing table: no error")
		}
		var one uint8
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Errorf("after exceptions: %v, %d", err, one)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		time.AfterFunc(200*time.Millisecond, cancel)
		err := conn.QueryRow(cctx, "SELECT sleepEachRow(0.5) FROM numbers(4) SETTINGS function_sleep_max_microseconds_per_block = 0").Err()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled query: %v, want context.Canceled", err)
		}
		var one uint8
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Errorf("after a cancelled query: %v, %d", err, one)
		}
	})
}

func TestNativeAuthentication(t *testing.T) {
	addr := startTCP(t, chserver.Config{Username: "kaizen", Password: "s3cret pass"})
	db := chtest.NewDatabase(t)
	ctx := context.Background()
	ok := openTCP(t, "tcp://kaizen:s3cret%20pass@"+addr+"/"+db)
	if err := ok.Ping(ctx); err != nil {
		t.Fatalf("right password: %v", err)
	}
	for _, dsn := range []string{"tcp://kaizen:wrong-guess@" + addr + "/" + db, "tcp://" + addr + "/" + db, "tcp://other:s3cret%20pass@" + addr} {
		bad := openTCP(t, dsn)
		err := bad.Ping(ctx)
		var ex *clickhouse.Exception
		if !errors.As(err, &ex) || ex.Code != 516 {
			t.Fatalf("%s: %v, want exception 516", dsn, err)
		}
		if strings.Contains(ex.Message, "wrong-guess") || strings.Contains(ex.Message, "s3cret") {
			t.Errorf("exception echoes the password: %s", ex.Message)
		}
	}
}
