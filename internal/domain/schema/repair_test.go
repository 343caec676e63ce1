package schema

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestParseColumns(t *testing.T) {
	tests := []struct {
		name, src string
		want      []Column
	}{
		{"plain with codec and default", "A UInt64 CODEC(T64, ZSTD(3)),\n B String DEFAULT 'x,y' CODEC(ZSTD(3))",
			[]Column{{"A", "UInt64"}, {"B", "String"}}},
		{"nested types keep their arguments", "M Map(LowCardinality(String), String), D Decimal(18, 12)",
			[]Column{{"M", "Map(LowCardinality(String),String)"}, {"D", "Decimal(18,12)"}}},
		{"nested is flattened", "Events Nested (\n T DateTime64(9),\n N LowCardinality(String)\n) CODEC(ZSTD(3))",
			[]Column{{"Events.T", "Array(DateTime64(9))"}, {"Events.N", "Array(LowCardinality(String))"}}},
		{"indexes and constraints skipped", "`X` UInt8,\n INDEX i X TYPE minmax GRANULARITY 1, CONSTRAINT c CHECK X > 0",
			[]Column{{"X", "UInt8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseColumns(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseColumns = %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"A UInt8)", "A Map(String", "A 'x", "(x)"} {
		if _, err := parseColumns(bad); err == nil {
			t.Errorf("parseColumns(%q) accepted", bad)
		}
	}
}

// TestExpectedMatchesServer proves the columns derived from the sql/ files
// and migrations are exactly what the engine stores after migrating.
func TestExpectedMatchesServer(t *testing.T) {
	db := chtest.NewDatabase(t)
	conn := connect(t, db)
	o := Options{Database: db}
	if _, err := Migrate(context.Background(), conn, o); err != nil {
		t.Fatal(err)
	}
	objs, err := o.withDefaults().expected(Latest())
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objs {
		if obj.view {
			continue
		}
		var want []string
		for _, c := range obj.columns {
			want = append(want, c.Name+" "+c.Type)
		}
		got := chtest.Scalar(t, "SELECT arrayStringConcat(groupArray(concat(name, ' ', replaceAll(type, ' ', ''))), '\\n') FROM (SELECT name, type FROM system.columns WHERE database = '"+db+"' AND table = '"+obj.name+"' ORDER BY position)")
		if got != strings.Join(want, "\\n") {
			t.Errorf("%s: server has\n%s\nschema derives\n%s", obj.name, got, strings.Join(want, "\n"))
		}
	}
}

// seed writes one row into every data table of db.
func seed(t *testing.T, db string) {
	t.Helper()
	chtest.Exec(t,
		"INSERT INTO `"+db+"`.otel_traces (Timestamp, TraceId, SpanId, SpanName) VALUES (now64(9), 't1', 's1', 'chat')",
		"INSERT INTO `"+db+"`.llm_calls (Timestamp, TraceId, SpanId, RequestModel, InputTokens) VALUES (now64(9), 't1', 's1', 'gpt-4o', 7)",
		"INSERT INTO `"+db+"`.analyses (AnalysisId, TraceId, CreatedAt, UpdatedAt, Status) VALUES (generateUUIDv4(), 't1', now64(3), now64(3), 'analyzed')",
		"INSERT INTO `"+db+"`.findings (AnalysisId, TraceId, CreatedAt, Ordinal, Title) VALUES (generateUUIDv4(), 't1', now64(3), 1, 'x')",
	)
}

// counts returns the row count of each table of db, by name.
func counts(t *testing.T, db string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{TableTraces, TableTraceIDTS, TableLLMCalls, TableAnalyses, TableFindings} {
		if chtest.Scalar(t, "SELECT count() FROM system.tables WHERE database = '"+db+"' AND name = '"+name+"'") == "1" {
			out[name] = chtest.Scalar(t, "SELECT count() FROM `"+db+"`.`"+name+"`")
		}
	}
	return out
}

// createQueries returns every Kaizen object's CREATE statement in db with
// the database name replaced, so two databases compare.
func createQueries(t *testing.T, db string) string {
	t.Helper()
	q := chtest.Scalar(t, "SELECT arrayStringConcat(groupArray(concat(name, ': ', create_table_query)), '\\n') FROM (SELECT name, create_table_query FROM system.tables WHERE database = '"+db+"' AND name != 'schema_migrations' ORDER BY name)")
	return strings.ReplaceAll(q, db, "DB")
}

// TestMigrateRecreatesDroppedTable drops each object in turn after the
// migrations were recorded: the next Migrate (what a restarting exporter
// runs) recreates exactly it, identical to a fresh one, and every other
// table keeps its rows.
func TestMigrateRecreatesDroppedTable(t *testing.T) {
	ref := chtest.NewDatabase(t)
	if _, err := Migrate(context.Background(), connect(t, ref), Options{Database: ref}); err != nil {
		t.Fatal(err)
	}
	want := createQueries(t, ref)
	tests := []struct {
		drop string
		kind string // TABLE or VIEW
	}{
		{TableTraces, "TABLE"},
		{TableTraceIDTS, "TABLE"},
		{viewTraceIDTS, "VIEW"},
		{TableLLMCalls, "TABLE"},
		{TableAnalyses, "TABLE"},
		{TableFindings, "TABLE"},
	}
	for _, tt := range tests {
		t.Run(tt.drop, func(t *testing.T) {
			db := chtest.NewDatabase(t)
			conn := connect(t, db)
			ctx := context.Background()
			o := Options{Database: db}
			if _, err := Migrate(ctx, conn, o); err != nil {
				t.Fatal(err)
			}
			seed(t, db)
			chtest.Exec(t, "DROP "+tt.kind+" `"+db+"`.`"+tt.drop+"`")
			before := counts(t, db)

			res, err := Migrate(ctx, conn, o)
			if err != nil {
				t.Fatalf("Migrate after dropping %s: %v", tt.drop, err)
			}
			if len(res.Applied) != 0 || !reflect.DeepEqual(res.Repaired, []string{tt.drop}) {
				t.Errorf("result = %+v, want nothing applied and %s repaired", res, tt.drop)
			}
			after := counts(t, db)
			for name, n := range before {
				if after[name] != n {
					t.Errorf("%s rows %s → %s", name, n, after[name])
				}
			}
			if got := createQueries(t, db); got != want {
				t.Errorf("schema after repair differs from a fresh one:\n%s\nwant\n%s", got, want)
			}
			if after[tt.drop] != "" && after[tt.drop] != "0" {
				t.Errorf("recreated %s has %s rows", tt.drop, after[tt.drop])
			}
			// The recreated schema works: inserts land and the view fills the lookup.
			seed(t, db)
			if got := chtest.Scalar(t, "SELECT count() FROM `"+db+"`.otel_traces_trace_id_ts WHERE TraceId = 't1'"); got == "0" {
				t.Error("trace id lookup not filled after repair")
			}
			if res, err := Migrate(ctx, conn, o); err != nil || len(res.Repaired) != 0 {
				t.Errorf("second Migrate: %+v, %v", res, err)
			}
		})
	}
}

// TestMigrateAfterRestartWithDroppedTable is the reported failure: v3
// recorded, llm_calls dropped, the store restarted; starting must work.
func TestMigrateAfterRestartWithDroppedTable(t *testing.T) {
	db := chtest.NewDatabase(t)
	ctx := context.Background()
	o := Options{Database: db}
	if _, err := Migrate(ctx, connect(t, db), o); err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	chtest.Exec(t, "DROP TABLE `"+db+"`.llm_calls")
	chtest.Restart(t)
	res, err := Migrate(ctx, connect(t, db), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != Latest() || !reflect.DeepEqual(res.Repaired, []string{TableLLMCalls}) {
		t.Errorf("result = %+v", res)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM `"+db+"`.otel_traces"); got != "1" {
		t.Errorf("otel_traces rows = %s, want 1", got)
	}
}

// TestMigrateNamesColumnProblems changes columns of existing tables: Migrate
// fails naming table, column, expected and found type, and changes nothing.
func TestMigrateNamesColumnProblems(t *testing.T) {
	tests := []struct {
		name  string
		alter []string
		want  []Problem // Table without the database prefix
	}{
		// The llm_calls columns are ones the calls_hourly projection does not
		// read: ClickHouse refuses to drop or retype those.
		{"dropped column", []string{"ALTER TABLE %s.llm_calls DROP COLUMN PrefixHash"},
			[]Problem{{Table: "llm_calls", Column: "PrefixHash", Want: "String"}}},
		{"changed type", []string{"ALTER TABLE %s.findings MODIFY COLUMN Title LowCardinality(String)"},
			[]Problem{{Table: "findings", Column: "Title", Want: "String", Got: "LowCardinality(String)"}}},
		{"column added by a later migration dropped", []string{"ALTER TABLE %s.analyses DROP COLUMN DroppedFindings"},
			[]Problem{{Table: "analyses", Column: "DroppedFindings", Want: "UInt32"}}},
		{"nested column dropped", []string{"ALTER TABLE %s.otel_traces DROP COLUMN Links"},
			[]Problem{
				{Table: "otel_traces", Column: "Links.TraceId", Want: "Array(String)"},
				{Table: "otel_traces", Column: "Links.SpanId", Want: "Array(String)"},
				{Table: "otel_traces", Column: "Links.TraceState", Want: "Array(String)"},
				{Table: "otel_traces", Column: "Links.Attributes", Want: "Array(Map(LowCardinality(String),String))"},
			}},
		{"problem and missing table: nothing recreated", []string{"ALTER TABLE %s.llm_calls MODIFY COLUMN InputCostUSD Float64", "DROP TABLE %s.findings"},
			[]Problem{{Table: "llm_calls", Column: "InputCostUSD", Want: "Decimal(18,12)", Got: "Float64"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := chtest.NewDatabase(t)
			conn := connect(t, db)
			ctx := context.Background()
			o := Options{Database: db}
			if _, err := Migrate(ctx, conn, o); err != nil {
				t.Fatal(err)
			}
			seed(t, db)
			for _, a := range tt.alter {
				chtest.Exec(t, strings.ReplaceAll(a, "%s", "`"+db+"`"))
			}
			before, schemaBefore := counts(t, db), createQueries(t, db)

			_, err := Migrate(ctx, conn, o)
			var mm *MismatchError
			if !errors.As(err, &mm) || !errors.Is(err, ErrSchemaMismatch) {
				t.Fatalf("err = %v, want a *MismatchError", err)
			}
			for i := range tt.want {
				tt.want[i].Table = db + "." + tt.want[i].Table
			}
			if !reflect.DeepEqual(mm.Problems, tt.want) {
				t.Errorf("problems = %+v\nwant %+v", mm.Problems, tt.want)
			}
			for _, p := range tt.want {
				if !strings.Contains(err.Error(), p.String()) {
					t.Errorf("error %q does not say %q", err, p)
				}
			}
			if after := counts(t, db); !reflect.DeepEqual(after, before) {
				t.Errorf("rows changed: %v → %v", before, after)
			}
			if got := createQueries(t, db); got != schemaBefore {
				t.Errorf("schema changed by a failed check:\n%s", got)
			}
		})
	}
}

// TestMigrateRecreatesEverything covers losing the migrations table and
// losing every table at once.
func TestMigrateRecreatesEverything(t *testing.T) {
	db := chtest.NewDatabase(t)
	conn := connect(t, db)
	ctx := context.Background()
	o := Options{Database: db}
	if _, err := Migrate(ctx, conn, o); err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	chtest.Exec(t, "DROP TABLE `"+db+"`.schema_migrations")
	if res, err := Migrate(ctx, conn, o); err != nil || res.To != Latest() {
		t.Fatalf("after dropping schema_migrations: %+v, %v", res, err)
	}
	if got := counts(t, db)[TableLLMCalls]; got != "1" {
		t.Errorf("llm_calls rows = %s, want 1", got)
	}
	for _, name := range []string{viewTraceIDTS, TableTraces, TableTraceIDTS, TableLLMCalls, TableAnalyses, TableFindings} {
		chtest.Exec(t, "DROP TABLE `"+db+"`.`"+name+"`")
	}
	res, err := Migrate(ctx, conn, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Repaired) != len(v1Objects) {
		t.Errorf("repaired %v, want all of %v", res.Repaired, v1Objects)
	}
	if problems, err := Check(ctx, conn, o, Latest()); err != nil || len(problems) != 0 {
		t.Errorf("Check after repair: %v, %v", problems, err)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Table: "k.t"}, "table k.t is missing"},
		{Problem{Table: "k.t", Column: "C", Want: "UInt64"}, "table k.t has no column C (expected type UInt64)"},
		{Problem{Table: "k.t", Column: "C", Want: "UInt64", Got: "String"}, "table k.t column C has type String, expected UInt64"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestExpectedCluster(t *testing.T) {
	objs, err := Options{Cluster: "c"}.withDefaults().expected(Latest())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.name)
	}
	want := []string{"otel_traces_local", "otel_traces", "otel_traces_trace_id_ts_local", "otel_traces_trace_id_ts",
		"otel_traces_local_trace_id_ts_mv", "llm_calls_local", "llm_calls", "analyses_local", "analyses", "findings_local", "findings"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("cluster objects = %v\nwant %v", names, want)
	}
}
