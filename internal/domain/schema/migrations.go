package schema

import "fmt"

// Migration is one versioned step of the schema.
type Migration struct {
	// Version numbers migrations from 1, in the order they apply.
	Version int
	// Name says what the migration does.
	Name string
	// steps renders the migration's DDL for a set of options, each
	// statement tagged with the object it builds so a lost table can be
	// rebuilt alone (see Repair).
	steps func(o Options) ([]step, error)
	// creates lists the tables and views the migration adds and columns the
	// columns it adds to existing tables: with the sql/ files they are the
	// single definition the database is checked against.
	creates []string
	columns []addedColumn
}

// step is one DDL statement and the table or view it creates or alters.
type step struct {
	object string
	sql    string
}

// addedColumn is a column a migration adds to an existing table.
type addedColumn struct {
	table, definition, after string
}

// statements renders the migration's DDL as plain statements.
func (m Migration) statements(o Options) ([]string, error) {
	steps, err := m.steps(o)
	if err != nil {
		return nil, err
	}
	stmts := make([]string, len(steps))
	for i, s := range steps {
		stmts[i] = s.sql
	}
	return stmts, nil
}

// Statements renders the migration's DDL for o (defaults filled in).
func (m Migration) Statements(o Options) ([]string, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return m.statements(o)
}

// Migrations lists every migration in version order. Append only: a
// released migration never changes, so databases at any version upgrade.
var Migrations = []Migration{
	{Version: 1, Name: "create otel_traces, llm_calls, analyses and findings", steps: v1, creates: v1Objects},
	{Version: 2, Name: "prompt-hash index on llm_calls, dropped-findings count on analyses", steps: v2, columns: v2Columns},
	{Version: 3, Name: "insert deduplication window on non-replicated otel_traces and llm_calls", steps: v3},
	{Version: 4, Name: "analyzer version and analyzed run extent on analyses", steps: v4, columns: v4Columns},
}

// Latest is the schema version this binary writes.
func Latest() int { return Migrations[len(Migrations)-1].Version }

// v1Objects are the tables and the view migration 1 creates, in order.
var v1Objects = []string{TableTraces, TableTraceIDTS, viewTraceIDTS, TableLLMCalls, TableAnalyses, TableFindings}

func v1(o Options) ([]step, error) {
	var steps []step
	for _, name := range v1Objects {
		if name == viewTraceIDTS {
			steps = append(steps, step{name, o.traceIDView()})
			continue
		}
		s, err := o.createTable(tables[name])
		if err != nil {
			return nil, err
		}
		steps = append(steps, tagged(name, s)...)
	}
	return steps, nil
}

// v2Columns are the columns migration 2 adds.
var v2Columns = []addedColumn{
	{table: TableAnalyses, definition: "DroppedFindings UInt32 DEFAULT 0 CODEC(ZSTD(3))", after: "Findings"},
}

func v2(o Options) ([]step, error) {
	steps := tagged(TableLLMCalls, o.alter(TableLLMCalls, "ADD INDEX IF NOT EXISTS idx_prompt_hash PromptHash TYPE bloom_filter(0.01) GRANULARITY 1", false))
	for _, c := range v2Columns {
		steps = append(steps, tagged(c.table, o.alter(c.table, "ADD COLUMN IF NOT EXISTS "+c.definition+" AFTER "+c.after, true))...)
	}
	return steps, nil
}

// v4Columns let kaizen serve tell which runs an analysis covered: by which
// analyzer, and how many spans ending when, so a run that grew is analyzed again.
var v4Columns = []addedColumn{
	{table: TableAnalyses, definition: "AnalyzerVersion LowCardinality(String) DEFAULT '' CODEC(ZSTD(3))", after: "Model"},
	{table: TableAnalyses, definition: "RunSpans UInt32 DEFAULT 0 CODEC(ZSTD(3))", after: "Calls"},
	{table: TableAnalyses, definition: "RunEnd DateTime64(9) DEFAULT 0 CODEC(Delta, ZSTD(3))", after: "RunSpans"},
}

func v4(o Options) ([]step, error) {
	var steps []step
	for _, c := range v4Columns {
		steps = append(steps, tagged(c.table, o.alter(c.table, "ADD COLUMN IF NOT EXISTS "+c.definition+" AFTER "+c.after, true))...)
	}
	return steps, nil
}

// tagged marks statements as building object.
func tagged(object string, stmts []string) []step {
	steps := make([]step, len(stmts))
	for i, s := range stmts {
		steps[i] = step{object, s}
	}
	return steps
}

// DeduplicationWindow is how many recent insert blocks a non-replicated
// otel_traces or llm_calls table remembers, so that a retried insert with
// the same insert_deduplication_token is dropped instead of stored twice
// (replicated engines deduplicate by default).
const DeduplicationWindow = 10000

func v3(o Options) ([]step, error) {
	if o.Engine != EngineMergeTree {
		return nil, nil
	}
	var steps []step
	for _, name := range []string{TableTraces, TableLLMCalls} {
		steps = append(steps, tagged(name, o.alter(name, fmt.Sprintf("MODIFY SETTING non_replicated_deduplication_window = %d", DeduplicationWindow), false))...)
	}
	return steps, nil
}

// bootstrap renders the statements that must exist before migrations are
// read: the database and the schema_migrations table.
func bootstrap(o Options) ([]string, error) {
	stmts := []string{fmt.Sprintf("CREATE DATABASE IF NOT EXISTS %s%s", quoteIdent(o.Database), o.onCluster())}
	s, err := o.createTable(tables[TableMigrations])
	if err != nil {
		return nil, err
	}
	return append(stmts, s...), nil
}

// Render returns every statement Migrate would run on an empty database,
// in order (bootstrap then each migration). It is what the golden files pin.
func Render(o Options) ([]string, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	stmts, err := bootstrap(o)
	if err != nil {
		return nil, err
	}
	for _, m := range Migrations {
		s, err := m.statements(o)
		if err != nil {
			return nil, fmt.Errorf("migration %d: %w", m.Version, err)
		}
		stmts = append(stmts, s...)
	}
	return stmts, nil
}
