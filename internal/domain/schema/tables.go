package schema

import (
	"embed"
	"fmt"
	"strings"
)

// Table names readers and writers use (Distributed tables in cluster mode).
const (
	TableTraces     = "otel_traces"
	TableTraceIDTS  = "otel_traces_trace_id_ts"
	TableLLMCalls   = "llm_calls"
	TableAnalyses   = "analyses"
	TableFindings   = "findings"
	TableMigrations = "schema_migrations"
)

// viewTraceIDTS names, in migrations, the materialized view that fills
// TableTraceIDTS; its name in the database is Options.viewName.
const viewTraceIDTS = TableTraces + "_trace_id_ts_mv"

//go:embed sql/*.sql
var columnFiles embed.FS

// table describes one table Kaizen owns.
type table struct {
	name string
	// variant and versionColumn select e.g. ReplacingMergeTree(UpdatedAt).
	variant, versionColumn string
	partitionBy, orderBy   string
	// ttlColumn is the time column the TTL applies to; "" keeps rows forever.
	ttlColumn string
	// shardKey routes rows to shards in cluster mode.
	shardKey string
	settings string
}

var tables = map[string]table{
	TableTraces: {
		name: TableTraces, partitionBy: "toDate(Timestamp)",
		orderBy: "(ServiceName, SpanName, toDateTime(Timestamp))", ttlColumn: "Timestamp",
		shardKey: "cityHash64(TraceId)", settings: "index_granularity = 8192, ttl_only_drop_parts = 1",
	},
	TableTraceIDTS: {
		name: TableTraceIDTS, partitionBy: "toDate(Start)", orderBy: "(TraceId, Start)",
		ttlColumn: "Start", shardKey: "cityHash64(TraceId)",
		settings: "index_granularity = 8192, ttl_only_drop_parts = 1",
	},
	TableLLMCalls: {
		name: TableLLMCalls, partitionBy: "toDate(Timestamp)",
		orderBy: "(ServiceName, Workflow, toDateTime(Timestamp), TraceId)", ttlColumn: "Timestamp",
		shardKey: "cityHash64(TraceId)", settings: "index_granularity = 8192, ttl_only_drop_parts = 1",
	},
	TableAnalyses: {
		name: TableAnalyses, variant: "Replacing", versionColumn: "UpdatedAt",
		partitionBy: "toYYYYMM(CreatedAt)", orderBy: "(TraceId, AnalysisId)", shardKey: "cityHash64(TraceId)",
	},
	TableFindings: {
		name: TableFindings, partitionBy: "toYYYYMM(CreatedAt)",
		orderBy: "(TraceId, AnalysisId, Ordinal)", shardKey: "cityHash64(TraceId)",
	},
	TableMigrations: {
		name: TableMigrations, variant: "Replacing", versionColumn: "AppliedAt",
		orderBy: "Version", shardKey: "Version",
	},
}

// localName is the name of the table that stores rows: <name>_local in
// cluster mode, the plain name otherwise.
func (o Options) localName(name string) string {
	if o.Cluster != "" {
		return name + "_local"
	}
	return name
}

// qualified renders `db`.`name`.
func (o Options) qualified(name string) string {
	return quoteIdent(o.Database) + "." + quoteIdent(name)
}

// createTable renders the CREATE statements of t: the storing table and, in
// cluster mode, the Distributed table over it.
func (o Options) createTable(t table) ([]string, error) {
	cols, err := columnFiles.ReadFile("sql/" + t.name + ".sql")
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", t.name, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s%s (\n%s) ENGINE = ", o.qualified(o.localName(t.name)), o.onCluster(), cols)
	if t.versionColumn != "" {
		b.WriteString(o.engine(t.variant, t.versionColumn))
	} else {
		b.WriteString(o.engine(t.variant))
	}
	if t.partitionBy != "" {
		b.WriteString("\nPARTITION BY " + t.partitionBy)
	}
	b.WriteString("\nORDER BY " + t.orderBy)
	if t.ttlColumn != "" {
		if ttl := o.ttl(t.ttlColumn); ttl != "" {
			b.WriteString("\n" + ttl)
		}
	}
	if t.settings != "" {
		b.WriteString("\nSETTINGS " + t.settings)
	}
	stmts := []string{b.String()}
	if o.Cluster != "" {
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s%s AS %s\nENGINE = Distributed(%s, %s, %s, %s)",
			o.qualified(t.name), o.onCluster(), o.qualified(o.localName(t.name)),
			quote(o.Cluster), quote(o.Database), quote(o.localName(t.name)), t.shardKey))
	}
	return stmts, nil
}

// traceIDView renders the materialized view that fills the trace id →
// time range lookup table (as the contrib ClickHouse exporter does, so
// Grafana's trace lookups work on either schema).
func (o Options) traceIDView() string {
	return fmt.Sprintf(`CREATE MATERIALIZED VIEW IF NOT EXISTS %s%s
TO %s
AS SELECT
    TraceId,
    min(Timestamp) AS Start,
    max(Timestamp) AS End
FROM %s
WHERE TraceId != ''
GROUP BY TraceId`, o.qualified(o.viewName()), o.onCluster(),
		o.qualified(o.localName(TableTraceIDTS)), o.qualified(o.localName(TableTraces)))
}

// viewName is the database name of the trace id view: it sits on the
// storing table, so in cluster mode it is otel_traces_local_trace_id_ts_mv.
func (o Options) viewName() string { return o.localName(TableTraces) + "_trace_id_ts_mv" }

// alter renders an ALTER TABLE on the storing table and, when
// alsoDistributed, on the Distributed table too (needed for columns).
func (o Options) alter(name, action string, alsoDistributed bool) []string {
	stmts := []string{fmt.Sprintf("ALTER TABLE %s%s %s", o.qualified(o.localName(name)), o.onCluster(), action)}
	if alsoDistributed && o.Cluster != "" {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s%s %s", o.qualified(name), o.onCluster(), action))
	}
	return stmts
}
