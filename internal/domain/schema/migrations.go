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
	{Version: 5, Name: "hourly aggregate projection on llm_calls for the dashboards", steps: v5},
	{Version: 6, Name: "provider-reported cost on llm_calls", steps: v6, columns: v6Columns},
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

// v6Columns keep the cost an instrumentation reported (OpenLIT
// gen_ai.usage.cost, OpenInference llm.cost.total) beside Kaizen's, NULL
// when none was reported.
var v6Columns = []addedColumn{
	{table: TableLLMCalls, definition: "ReportedCostUSD Nullable(Decimal(18, 12)) CODEC(ZSTD(3))", after: "OutputCostUSD"},
}

func v6(o Options) ([]step, error) {
	var steps []step
	for _, c := range v6Columns {
		steps = append(steps, tagged(c.table, o.alter(c.table, "ADD COLUMN IF NOT EXISTS "+c.definition+" AFTER "+c.after, true))...)
	}
	return steps, nil
}

// ProjectionCallsHourly is the projection of llm_calls that sums calls per
// hour, service, workflow, provider, request model and agent (migration 5):
// a query over whole hours that groups and filters by those columns, and
// aggregates only what it holds, is answered from it instead of the calls.
const ProjectionCallsHourly = "calls_hourly"

// Expressions the calls_hourly projection aggregates; a query is answered
// from the projection only when it spells them the same way.
const (
	// CallFailed is true for a call that ended in error.
	CallFailed = "StatusCode = 'Error' OR ErrorType != ''"
	// CallTruncated is true for a call stopped at its output-token limit
	// (finish reason length, max_tokens or max_output_tokens in any case);
	// written without a lambda, which projections cannot match.
	CallTruncated = "hasAny(splitByChar(',', lower(arrayStringConcat(FinishReasons, ','))), ['length', 'max_tokens', 'max_output_tokens'])"
	// CallPromptTokens is a call's whole prompt: InputTokens includes cache
	// reads and writes unless it is smaller than them (see pricing.Usage).
	CallPromptTokens = "if(InputTokens < CacheReadTokens + CacheWriteTokens, InputTokens + CacheReadTokens + CacheWriteTokens, InputTokens)"
)

// callsHourly is the SELECT of the calls_hourly projection.
var callsHourly = `SELECT toStartOfHour(Timestamp), ServiceName, Workflow, Provider, RequestModel, Agent,
    count(), sum(CostUSD), countIf(PriceStatus = 'unpriced'), countIf(PriceStatus = 'partial'),
    countIf(` + CallFailed + `), countIf(` + CallTruncated + `),
    sum(` + CallPromptTokens + `), sum(OutputTokens), sum(CacheReadTokens), sum(CacheWriteTokens), sum(ReasoningTokens)
  GROUP BY toStartOfHour(Timestamp), ServiceName, Workflow, Provider, RequestModel, Agent`

// v5 adds the calls_hourly projection to the table that stores llm_calls
// rows and builds it for the parts written before (a mutation the server
// runs in the background; until it ends, those parts are read in full).
func v5(o Options) ([]step, error) {
	steps := tagged(TableLLMCalls, o.alter(TableLLMCalls, "ADD PROJECTION IF NOT EXISTS "+ProjectionCallsHourly+" (\n  "+callsHourly+")", false))
	return append(steps, tagged(TableLLMCalls, o.alter(TableLLMCalls, "MATERIALIZE PROJECTION "+ProjectionCallsHourly, false))...), nil
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
