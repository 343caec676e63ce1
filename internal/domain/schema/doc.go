// Package schema owns Kaizen's ClickHouse schema: the database (kaizen by
// default) with the tables otel_traces, llm_calls, analyses and findings, as
// a list of versioned migrations.
//
// Render produces the DDL of every migration for a set of Options (single
// node or cluster, table engine, TTL); golden files pin it. Migrate applies
// the migrations a database lacks, in order, and records each one in the
// schema_migrations table, so a newer binary upgrades an older database in
// place without losing rows. Every statement is idempotent (IF NOT EXISTS),
// so two writers starting at once are safe.
//
// In cluster mode every table is created ON CLUSTER as <name>_local with a
// replicated engine, and a Distributed table named <name> routes reads and
// writes to the shards (by trace id, so one run stays on one shard). Readers
// and writers always use the plain names.
package schema
