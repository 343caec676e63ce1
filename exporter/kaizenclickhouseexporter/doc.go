// Package kaizenclickhouseexporter is the kaizenclickhouse collector
// exporter: it writes every span to ClickHouse's otel_traces table (the
// collector-contrib ClickHouse exporter's columns and values) and every
// GenAI inference span also as a typed llm_calls row (workflow, agent,
// tokens, exact costs, content, fingerprints), with clickhouse-go/v2 over
// the native protocol or HTTP. Each push is one batch per table, carrying
// an insert deduplication token derived from its span ids, so retries never
// store a row twice; rows of spans that ended before the exporter started
// are checked against the tables first, so replays after a crash, merged
// into other batches, store each row once too. See README.md.
package kaizenclickhouseexporter
