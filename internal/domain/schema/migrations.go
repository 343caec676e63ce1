package schema

import "fmt"

// Migration is one versioned step of the schema.
type Migration struct {
	// Version numbers migrations from 1, in the order they apply.
	Version int
	// Name says what the migration does.
	Name string
	// statements renders the migration's DDL for a set of options.
	statements func(o Options) ([]string, error)
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
	{Version: 1, Name: "create otel_traces, llm_calls, analyses and findings", statements: v1},
	{Version: 2, Name: "prompt-hash index on llm_calls, dropped-findings count on analyses", statements: v2},
	{Version: 3, Name: "insert deduplication window on non-replicated otel_traces and llm_calls", statements: v3},
}

// Latest is the schema version this binary writes.
func Latest() int { return Migrations[len(Migrations)-1].Version }

func v1(o Options) ([]string, error) {
	var stmts []string
	for _, name := range []string{TableTraces, TableTraceIDTS, TableLLMCalls, TableAnalyses, TableFindings} {
		s, err := o.createTable(tables[name])
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s...)
		if name == TableTraceIDTS {
			stmts = append(stmts, o.traceIDView())
		}
	}
	return stmts, nil
}

func v2(o Options) ([]string, error) {
	stmts := o.alter(TableLLMCalls, "ADD INDEX IF NOT EXISTS idx_prompt_hash PromptHash TYPE bloom_filter(0.01) GRANULARITY 1", false)
	stmts = append(stmts, o.alter(TableAnalyses, "ADD COLUMN IF NOT EXISTS DroppedFindings UInt32 DEFAULT 0 CODEC(ZSTD(3)) AFTER Findings", true)...)
	return stmts, nil
}

// DeduplicationWindow is how many recent insert blocks a non-replicated
// otel_traces or llm_calls table remembers, so that a retried insert with
// the same insert_deduplication_token is dropped instead of stored twice
// (replicated engines deduplicate by default).
const DeduplicationWindow = 10000

func v3(o Options) ([]string, error) {
	if o.Engine != EngineMergeTree {
		return nil, nil
	}
	var stmts []string
	for _, name := range []string{TableTraces, TableLLMCalls} {
		stmts = append(stmts, o.alter(name, fmt.Sprintf("MODIFY SETTING non_replicated_deduplication_window = %d", DeduplicationWindow), false)...)
	}
	return stmts, nil
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
