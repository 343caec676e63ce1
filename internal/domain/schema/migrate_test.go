package schema

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestMain(m *testing.M) { os.Exit(chtest.Main(m)) }

func connect(t *testing.T, db string) driver.Conn {
	t.Helper()
	opts, err := clickhouse.ParseDSN(chtest.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// TestMigrateFromV1KeepsRows creates a version-1 database, writes rows,
// upgrades it and checks every row is intact and the new objects exist.
func TestMigrateFromV1KeepsRows(t *testing.T) {
	db := chtest.NewDatabase(t)
	conn := connect(t, db)
	ctx := context.Background()
	o := Options{Database: db}

	res, err := MigrateTo(ctx, conn, o, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != 0 || res.To != 1 {
		t.Fatalf("first migration: %+v", res)
	}
	chtest.Exec(t,
		"INSERT INTO `"+db+"`.llm_calls (Timestamp, TraceId, SpanId, Workflow, RequestModel, InputTokens, CostUSD) "+
			"SELECT now64(9), hex(number), toString(number), 'wf', 'gpt-4o', number, toDecimal64(number, 12) / 1000 FROM numbers(500)",
		"INSERT INTO `"+db+"`.analyses (AnalysisId, TraceId, CreatedAt, UpdatedAt, Status, Findings) "+
			"VALUES (generateUUIDv4(), 'abc', now64(3), now64(3), 'analyzed', 3)",
		"INSERT INTO `"+db+"`.otel_traces (Timestamp, TraceId, SpanId, SpanName) VALUES (now64(9), 't1', 's1', 'chat gpt-4o')",
	)
	before := chtest.Scalar(t, "SELECT count(), sum(InputTokens), sum(CostUSD) FROM `"+db+"`.llm_calls")

	res, err = Migrate(ctx, conn, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != 1 || res.To != Latest() || len(res.Applied) != Latest()-1 {
		t.Fatalf("upgrade: %+v", res)
	}
	if after := chtest.Scalar(t, "SELECT count(), sum(InputTokens), sum(CostUSD) FROM `"+db+"`.llm_calls"); after != before {
		t.Errorf("llm_calls changed by migration: %s → %s", before, after)
	}
	if got := chtest.Scalar(t, "SELECT Findings, DroppedFindings FROM `"+db+"`.analyses"); got != "3\t0" {
		t.Errorf("analyses after upgrade = %q", got)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM `"+db+"`.otel_traces_trace_id_ts"); got != "1" {
		t.Errorf("trace id lookup rows = %s (materialized view not filling it)", got)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM system.data_skipping_indices WHERE database = '"+db+"' AND table = 'llm_calls' AND name = 'idx_prompt_hash'"); got != "1" {
		t.Errorf("idx_prompt_hash missing")
	}
	if got := chtest.Scalar(t, "SELECT groupArray(Version) FROM (SELECT Version FROM `"+db+"`.schema_migrations FINAL ORDER BY Version)"); got != allVersions() {
		t.Errorf("schema_migrations = %s", got)
	}

	// Idempotent: running again applies nothing.
	res, err = Migrate(ctx, conn, o)
	if err != nil || len(res.Applied) != 0 || res.From != Latest() {
		t.Fatalf("second run: %+v, %v", res, err)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	db := chtest.NewDatabase(t)
	conn := connect(t, db)
	ctx := context.Background()
	o := Options{Database: db}
	if _, err := Migrate(ctx, conn, o); err != nil {
		t.Fatal(err)
	}
	chtest.Exec(t, "INSERT INTO `"+db+"`.schema_migrations VALUES (99, 'from the future', now64(3), 'test')")
	_, err := Migrate(ctx, conn, o)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("err = %v, want ErrNewerSchema naming version 99", err)
	}
}

func TestMigrateWithTTL(t *testing.T) {
	db := chtest.NewDatabase(t)
	conn := connect(t, db)
	if _, err := Migrate(context.Background(), conn, Options{Database: db, TTL: 7 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	got := chtest.Scalar(t, "SELECT countIf(create_table_query LIKE '%TTL toDateTime(Timestamp) + toIntervalDay(7)%') FROM system.tables WHERE database = '"+db+"'")
	if got != "2" {
		t.Errorf("tables with the 7-day TTL = %s, want 2 (otel_traces, llm_calls)", got)
	}
}

// TestClusterDDLParses runs every cluster-mode statement through the real
// ClickHouse parser (EXPLAIN AST): a single node cannot execute ON CLUSTER
// DDL, but it can prove the text is valid ClickHouse SQL.
func TestClusterDDLParses(t *testing.T) {
	for _, o := range []Options{{Cluster: "c1", TTL: 24 * time.Hour}, {Cluster: "c2", Engine: EngineShared}} {
		stmts, err := Render(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stmts {
			_, err := chtest.Server().Conn().QueryString(context.Background(), "EXPLAIN AST "+s, "TabSeparated")
			if o.Engine == EngineShared && strings.Contains(fmt.Sprint(err), "Unknown table engine SharedMergeTree") {
				continue // SharedMergeTree exists only on ClickHouse Cloud; the rest of the text parsed
			}
			if err != nil {
				t.Errorf("cluster DDL does not parse: %v\n%s", err, s)
			}
		}
	}
}

func TestMigrateUnreachable(t *testing.T) {
	opts, err := clickhouse.ParseDSN("http://127.0.0.1:1/kaizen?dial_timeout=1s")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := Migrate(context.Background(), conn, Options{}); err == nil || !strings.Contains(err.Error(), "kaizen") {
		t.Fatalf("err = %v, want an error naming the database", err)
	}
	if _, err := MigrateTo(context.Background(), conn, Options{}, 42); err == nil {
		t.Fatal("target version 42 accepted")
	}
}

// allVersions renders [1,2,…,Latest()] as ClickHouse prints an array.
func allVersions() string {
	v := make([]string, Latest())
	for i := range v {
		v[i] = strconv.Itoa(i + 1)
	}
	return "[" + strings.Join(v, ",") + "]"
}

// TestCallsHourlyProjection checks that a query over whole hours, grouped
// and filtered by the projection's keys and spelling its aggregates, is
// answered from calls_hourly, and gives what the calls give.
func TestCallsHourlyProjection(t *testing.T) {
	db := chtest.NewDatabase(t)
	if _, err := Migrate(context.Background(), connect(t, db), Options{Database: db}); err != nil {
		t.Fatal(err)
	}
	chtest.Exec(t, "INSERT INTO `"+db+"`.llm_calls (Timestamp, TraceId, SpanId, Workflow, RequestModel, InputTokens, CacheReadTokens, CostUSD, PriceStatus, FinishReasons, StatusCode) "+
		"SELECT toDateTime64('2026-01-01 00:00:00', 9) + toIntervalMinute(number * 7), hex(number), toString(number), if(number % 2 = 0, 'a', 'b'), 'gpt-4o', "+
		"100 + number, number % 3, toDecimal64(number, 12) / 1000, if(number % 5 = 0, 'unpriced', 'priced'), if(number % 4 = 0, ['MAX_TOKENS'], ['stop']), "+
		"if(number % 6 = 0, 'Error', 'Ok') FROM numbers(1000)")
	q := "SELECT toStartOfHour(Timestamp) AS hour, Workflow, count(), sum(CostUSD), countIf(PriceStatus = 'unpriced'), countIf(" + CallFailed + "), " +
		"countIf(" + CallTruncated + "), sum(" + CallPromptTokens + "), sum(CacheReadTokens) FROM `" + db + "`.llm_calls " +
		"WHERE toStartOfHour(Timestamp) >= '2026-01-01 03:00:00' AND toStartOfHour(Timestamp) < '2026-01-03 00:00:00' AND Workflow IN ('a') " +
		"GROUP BY hour, Workflow ORDER BY hour, Workflow"
	fromProjection := chtest.Scalar(t, q+" SETTINGS force_optimize_projection = 1")
	fromCalls := chtest.Scalar(t, q+" SETTINGS optimize_use_projections = 0")
	if fromProjection != fromCalls || fromCalls == "" {
		t.Errorf("projection gives\n%s\ncalls give\n%s", fromProjection, fromCalls)
	}
}
