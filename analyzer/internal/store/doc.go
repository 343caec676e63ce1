// Package store reads workflow runs from Kaizen's ClickHouse tables
// (llm_calls and otel_traces) and writes analysis results (analyses and
// findings). It speaks clickhouse-go/v2 to a real server or to the embedded
// ClickHouse's HTTP interface; only the DSN differs.
//
// Every query is parameterized with server-side {name:Type} parameters;
// money columns (Decimal(18, 12)) are converted to and from pricing.USD
// through their exact decimal strings, never through floats.
package store
