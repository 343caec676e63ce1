// Package chdbextension is a collector extension (type chdb) that hosts the
// embedded ClickHouse engine (chDB's libchdb) on a data path and serves the
// ClickHouse HTTP interface for it (internal/engine/chserver), so the exporter, the
// kaizen CLI, Grafana and curl share one store without a ClickHouse server.
package chdbextension
