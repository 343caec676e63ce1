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
// Self-repair: the recorded version says what should exist, not what does,
// so after migrating Migrate runs Repair. It compares system.columns of the
// database with what that version promises — derived from the same sql/
// column files and migration definitions Migrate applies, never written out
// twice — and recreates every missing table or view by rerunning, for it
// alone, the statements of each applied migration that build it (a
// recreated table is identical to a migrated one; other tables and their
// rows are untouched). A dropped table therefore never stops a writer (the
// exporter calls Migrate at start) from starting. A table that exists but
// lacks a column or has one of another type is never altered: Migrate
// returns a *MismatchError (errors.Is ErrSchemaMismatch) naming the table,
// column, expected and found type, e.g.
//
//	table kaizen.findings column Title has type LowCardinality(String), expected String
//
// and the operator fixes it (ALTER TABLE) or moves the table aside (RENAME
// TABLE) so the next start recreates it. Check reports the same without
// changing anything; extra columns are allowed.
//
// Migration 5 gives llm_calls the calls_hourly aggregate projection (calls,
// cost, price status, failures, truncations and tokens per hour, service,
// workflow, provider, request model and agent): ClickHouse keeps it with
// each part and answers the dashboards' whole-hour sums from it. Columns it
// reads cannot be dropped or retyped while it exists.
//
// In cluster mode every table is created ON CLUSTER as <name>_local with a
// replicated engine, and a Distributed table named <name> routes reads and
// writes to the shards (by trace id, so one run stays on one shard). Readers
// and writers always use the plain names.
package schema
