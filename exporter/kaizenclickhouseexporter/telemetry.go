package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/kaizenhq/kaizen/exporter/kaizenclickhouseexporter/internal/metadata"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// Names of the exporter's own metrics (the queue size is exporterhelper's
// otelcol_exporter_queue_size and otelcol_exporter_queue_capacity).
const (
	metricRowsWritten    = "otelcol_kaizenclickhouse_rows_written"
	metricRowsRejected   = "otelcol_kaizenclickhouse_rows_rejected"
	metricValuesRepaired = "otelcol_kaizenclickhouse_values_repaired"
	metricInsertDuration = "otelcol_kaizenclickhouse_insert_duration"
	metricInsertFailures = "otelcol_kaizenclickhouse_insert_failures"
	metricRowsDedup      = "otelcol_kaizenclickhouse_rows_deduplicated"
)

// telemetry records the exporter's own metrics through the component's
// MeterProvider.
type telemetry struct {
	rowsWritten    metric.Int64Counter
	rowsRejected   metric.Int64Counter
	valuesRepaired metric.Int64Counter
	insertDuration metric.Float64Histogram
	insertFailures metric.Int64Counter
	rowsDedup      metric.Int64Counter
}

func newTelemetry(set component.TelemetrySettings) (*telemetry, error) {
	m := set.MeterProvider.Meter(metadata.ScopeName)
	var t telemetry
	var errs [6]error
	t.rowsWritten, errs[0] = m.Int64Counter(metricRowsWritten,
		metric.WithDescription("Rows inserted into ClickHouse, per table."), metric.WithUnit("{row}"))
	t.rowsRejected, errs[1] = m.Int64Counter(metricRowsRejected,
		metric.WithDescription("Spans not stored because they cannot be (reason: missing_ids), per table."), metric.WithUnit("{row}"))
	t.valuesRepaired, errs[2] = m.Int64Counter(metricValuesRepaired,
		metric.WithDescription("Values stored repaired (invalid UTF-8 replaced, oversize truncated, unknown span kind, bad GenAI value), per reason."), metric.WithUnit("{value}"))
	t.insertDuration, errs[3] = m.Float64Histogram(metricInsertDuration,
		metric.WithDescription("Time to insert one batch into one table (prepare, append, send)."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
	t.insertFailures, errs[4] = m.Int64Counter(metricInsertFailures,
		metric.WithDescription("Failed batch inserts, per table and kind (retryable or permanent)."), metric.WithUnit("{batch}"))
	t.rowsDedup, errs[5] = m.Int64Counter(metricRowsDedup,
		metric.WithDescription("Rows of spans that ended before the exporter started (replays after a crash, late client retries) that ClickHouse already held, not inserted again, per table."), metric.WithUnit("{row}"))
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("create exporter metrics: %w", err)
		}
	}
	return &t, nil
}

func tableAttr(table string) metric.MeasurementOption {
	return metric.WithAttributeSet(attribute.NewSet(attribute.String("table", table)))
}

// recordInsert records one batch insert's outcome.
func (t *telemetry) recordInsert(ctx context.Context, table string, rows int, start time.Time, failure string) {
	outcome := "success"
	if failure != "" {
		outcome = "failure"
		t.insertFailures.Add(ctx, 1, metric.WithAttributes(attribute.String("table", table), attribute.String("kind", failure)))
	} else {
		t.rowsWritten.Add(ctx, int64(rows), tableAttr(table))
	}
	t.insertDuration.Record(ctx, time.Since(start).Seconds(),
		metric.WithAttributes(attribute.String("table", table), attribute.String("outcome", outcome)))
}

// recordBuild records what converting a batch repaired and rejected.
func (t *telemetry) recordBuild(ctx context.Context, r *rows) {
	for reason, n := range r.repaired {
		t.valuesRepaired.Add(ctx, int64(n), metric.WithAttributes(attribute.String("reason", reason)))
	}
	byReason := map[string]int{}
	for _, rej := range r.rejected {
		byReason[rej.reason]++
	}
	for reason, n := range byReason {
		t.rowsRejected.Add(ctx, int64(n), metric.WithAttributes(attribute.String("table", schema.TableTraces), attribute.String("reason", reason)))
	}
}

// recordDeduplicated counts replayed rows not inserted again.
func (t *telemetry) recordDeduplicated(ctx context.Context, table string, rows int) {
	if rows > 0 {
		t.rowsDedup.Add(ctx, int64(rows), tableAttr(table))
	}
}
