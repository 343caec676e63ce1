package chserver_test

import (
	"context"
	"errors"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// openHTTP connects clickhouse-go over HTTP to the shared server.
func openHTTP(t testing.TB, db string, mutate ...func(*clickhouse.Options)) driver.Conn {
	t.Helper()
	return openDSN(t, chtest.DSN(db), clickhouse.HTTP, mutate...)
}

// openDSN connects clickhouse-go with dsn, which must select protocol,
// and closes the connection when the test ends.
func openDSN(t testing.TB, dsn string, protocol clickhouse.Protocol, mutate ...func(*clickhouse.Options)) driver.Conn {
	t.Helper()
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Protocol != protocol {
		t.Fatalf("DSN %s: protocol %v, want %v", dsn, opts.Protocol, protocol)
	}
	for _, m := range mutate {
		m(opts)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

const typesDDL = `CREATE TABLE typed (
	ts   DateTime64(9),
	attrs Map(LowCardinality(String), String),
	tags Array(String),
	note Nullable(String),
	cost Decimal(18, 9),
	id   UUID,
	n    UInt64
) ENGINE = MergeTree ORDER BY (ts, n)`

type typedRow struct {
	TS    time.Time         `ch:"ts"`
	Attrs map[string]string `ch:"attrs"`
	Tags  []string          `ch:"tags"`
	Note  *string           `ch:"note"`
	Cost  decimal.Decimal   `ch:"cost"`
	ID    uuid.UUID         `ch:"id"`
	N     uint64            `ch:"n"`
}

func typedRows(n int) []typedRow {
	base := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	rows := make([]typedRow, n)
	for i := range rows {
		var note *string
		if i%2 == 0 {
			s := "note ü " + string(rune('a'+i%26))
			note = &s
		}
		rows[i] = typedRow{
			TS:    base.Add(time.Duration(i) * time.Nanosecond),
			Attrs: map[string]string{"gen_ai.system": "openai", "i": string(rune('0' + i%10))},
			Tags:  []string{"x", "y"}[:i%3%2+1],
			Note:  note,
			Cost:  decimal.New(int64(i)*1234567, -9),
			ID:    uuid.New(),
			N:     ^uint64(0) - uint64(i),
		}
	}
	return rows
}

func TestClickHouseGoHTTP(t *testing.T) {
	db := chtest.NewDatabase(t)
	conn := openHTTP(t, db)
	ctx := context.Background()
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := conn.Exec(ctx, typesDDL); err != nil {
		t.Fatalf("DDL: %v", err)
	}

	t.Run("describe", func(t *testing.T) {
		rows, err := conn.Query(ctx, "DESCRIBE TABLE typed")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		want := []string{"DateTime64(9)", "Map(LowCardinality(String), String)", "Array(String)", "Nullable(String)", "Decimal(18, 9)", "UUID", "UInt64"}
		var got []string
		for rows.Next() {
			var name, typ, defType, defExpr, comment, codec, ttl string
			if err := rows.Scan(&name, &typ, &defType, &defExpr, &comment, &codec, &ttl); err != nil {
				t.Fatal(err)
			}
			got = append(got, typ)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("DESCRIBE types = %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("column %d type = %s, want %s", i, got[i], want[i])
			}
		}
	})

	rows := typedRows(1000)
	t.Run("batch insert", func(t *testing.T) {
		batch, err := conn.PrepareBatch(ctx, "INSERT INTO typed")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := batch.Append(r.TS, r.Attrs, r.Tags, r.Note, r.Cost, r.ID, r.N); err != nil {
				t.Fatal(err)
			}
		}
		if err := batch.Send(); err != nil {
			t.Fatalf("send: %v", err)
		}
	})

	t.Run("query and scan", func(t *testing.T) {
		res, err := conn.Query(ctx, "SELECT ts, attrs, tags, note, cost, id, n FROM typed ORDER BY ts")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		i := 0
		for ; res.Next(); i++ {
			var got typedRow
			if err := res.ScanStruct(&got); err != nil {
				t.Fatal(err)
			}
			want := rows[i]
			if !got.TS.Equal(want.TS) || got.N != want.N || got.ID != want.ID || !got.Cost.Equal(want.Cost) ||
				len(got.Tags) != len(want.Tags) || got.Attrs["gen_ai.system"] != "openai" || got.Attrs["i"] != want.Attrs["i"] ||
				(got.Note == nil) != (want.Note == nil) || (got.Note != nil && *got.Note != *want.Note) {
				t.Fatalf("row %d = %+v, want %+v", i, got, want)
			}
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		if i != len(rows) {
			t.Fatalf("read %d rows, want %d", i, len(rows))
		}
	})

	t.Run("named parameters", func(t *testing.T) {
		var count uint64
		var sum decimal.Decimal
		err := conn.QueryRow(clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"max": strconv.FormatUint(^uint64(0)-990, 10), "sys": "openai"})),
			"SELECT count(), sum(cost) FROM typed WHERE n <= {max:UInt64} AND attrs['gen_ai.system'] = {sys:String}").Scan(&count, &sum)
		if err != nil {
			t.Fatal(err)
		}
		if count != 10 {
			t.Errorf("count = %d, want 10", count)
		}
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM typed WHERE id = @id", clickhouse.Named("id", rows[7].ID.String())).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("count by named id = %d, want 1", n)
		}
	})

	t.Run("big values", func(t *testing.T) {
		var total big.Int
		var s string
		if err := conn.QueryRow(ctx, "SELECT toString(sum(toUInt128(n))) FROM typed").Scan(&s); err != nil {
			t.Fatal(err)
		}
		want := new(big.Int)
		for _, r := range rows {
			want.Add(want, new(big.Int).SetUint64(r.N))
		}
		total.SetString(s, 10)
		if total.Cmp(want) != 0 {
			t.Errorf("sum = %s, want %s", s, want)
		}
	})

	t.Run("exception", func(t *testing.T) {
		tests := []struct {
			query string
			code  int32
		}{
			{"SELECT * FROM no_such_table", 60},
			{"SELEC 1", 62},
			{"SELECT no_such_function(1)", 46},
		}
		for _, tt := range tests {
			err := conn.Exec(ctx, tt.query)
			var ex *clickhouse.Exception
			if !errors.As(err, &ex) {
				t.Fatalf("%s: err = %v (%T), want *clickhouse.Exception", tt.query, err, err)
			}
			if ex.Code != tt.code {
				t.Errorf("%s: code = %d, want %d (%s)", tt.query, ex.Code, tt.code, ex.Message)
			}
			_, qerr := conn.Query(ctx, tt.query)
			if !errors.As(qerr, &ex) || ex.Code != tt.code {
				t.Errorf("Query(%s): %v, want code %d", tt.query, qerr, tt.code)
			}
		}
	})
}

func TestDatabaseSQL(t *testing.T) {
	db := chtest.NewDatabase(t)
	testDatabaseSQL(t, chtest.DSN(db))
}

// testDatabaseSQL runs DDL, a prepared-statement insert in a transaction
// (clickhouse-go's batch behind database/sql), a query with a positional
// argument and an exception through database/sql.
func testDatabaseSQL(t *testing.T, dsn string) {
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB := clickhouse.OpenDB(opts)
	defer sqlDB.Close()
	ctx := context.Background()
	if err := sqlDB.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.ExecContext(ctx, "CREATE TABLE kv (k String, v UInt64) ENGINE = MergeTree ORDER BY k"); err != nil {
		t.Fatal(err)
	}
	tx, err := sqlDB.Begin()
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.Prepare("INSERT INTO kv")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := stmt.Exec("k"+strconv.Itoa(i), uint64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var n, sum uint64
	if err := sqlDB.QueryRowContext(ctx, "SELECT count(), sum(v) FROM kv WHERE k LIKE ?", "k%").Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 100 || sum != 4950 {
		t.Errorf("count, sum = %d, %d; want 100, 4950", n, sum)
	}
	var ex *clickhouse.Exception
	if _, err := sqlDB.ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)"); !errors.As(err, &ex) || ex.Code != 60 {
		t.Errorf("insert into a missing table: %v, want code 60", err)
	}
}
