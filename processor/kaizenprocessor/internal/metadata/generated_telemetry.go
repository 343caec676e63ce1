package metadata

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// TelemetryBuilder holds the processor's own instruments.
type TelemetryBuilder struct {
	// ProcessorKaizenSpansNormalized counts GenAI spans normalized, by dialect.
	ProcessorKaizenSpansNormalized metric.Int64Counter
	// ProcessorKaizenSpansPriced counts inference spans priced, by status
	// (priced or partial).
	ProcessorKaizenSpansPriced metric.Int64Counter
	// ProcessorKaizenSpansUnpriced counts inference spans left unpriced.
	ProcessorKaizenSpansUnpriced metric.Int64Counter
	// ProcessorKaizenRedactions counts redacted substrings, by rule.
	ProcessorKaizenRedactions metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments from the component's
// MeterProvider.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	meter := settings.MeterProvider.Meter(ScopeName)
	var tb TelemetryBuilder
	var err, e error
	tb.ProcessorKaizenSpansNormalized, e = meter.Int64Counter("otelcol_processor_kaizen_spans_normalized",
		metric.WithDescription("GenAI spans normalized to the canonical attributes, by dialect."), metric.WithUnit("{span}"))
	err = errors.Join(err, e)
	tb.ProcessorKaizenSpansPriced, e = meter.Int64Counter("otelcol_processor_kaizen_spans_priced",
		metric.WithDescription("Inference spans given a cost, by price status (priced, partial)."), metric.WithUnit("{span}"))
	err = errors.Join(err, e)
	tb.ProcessorKaizenSpansUnpriced, e = meter.Int64Counter("otelcol_processor_kaizen_spans_unpriced",
		metric.WithDescription("Inference spans that could not be priced (unknown model, no usage)."), metric.WithUnit("{span}"))
	err = errors.Join(err, e)
	tb.ProcessorKaizenRedactions, e = meter.Int64Counter("otelcol_processor_kaizen_redactions",
		metric.WithDescription("Substrings redacted from GenAI span attributes, by rule."), metric.WithUnit("{redaction}"))
	err = errors.Join(err, e)
	return &tb, err
}
