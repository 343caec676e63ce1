package instrumentation

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/semconv/v1.41.0/genaiconv"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// metrics holds the semconv GenAI client instruments; nil when no
// MeterProvider was configured.
type metrics struct {
	tokens   genaiconv.ClientTokenUsage
	duration genaiconv.ClientOperationDuration
}

func newMetrics(mp metric.MeterProvider) (*metrics, error) {
	if mp == nil {
		return nil, nil
	}
	meter := mp.Meter(ScopeName, metric.WithInstrumentationVersion(Version()))
	tokens, err := genaiconv.NewClientTokenUsage(meter,
		metric.WithExplicitBucketBoundaries(1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864))
	if err != nil {
		return nil, err
	}
	duration, err := genaiconv.NewClientOperationDuration(meter,
		metric.WithExplicitBucketBoundaries(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92))
	if err != nil {
		return nil, err
	}
	return &metrics{tokens: tokens, duration: duration}, nil
}

// record records the duration and token usage of one finished call.
func (m *metrics) record(ctx context.Context, req *llmcall.Request, resp *llmcall.Response, errType string, seconds float64) {
	if m == nil {
		return
	}
	attrs := make([]attribute.KeyValue, 0, 5)
	if req.Model != "" {
		attrs = append(attrs, semconv.GenAIRequestModel(req.Model))
	}
	if resp != nil && resp.Model != "" {
		attrs = append(attrs, semconv.GenAIResponseModel(resp.Model))
	}
	if req.ServerAddress != "" {
		attrs = append(attrs, semconv.ServerAddress(req.ServerAddress))
	}
	if req.ServerPort > 0 {
		attrs = append(attrs, semconv.ServerPort(req.ServerPort))
	}
	op := genaiconv.OperationNameAttr(req.Operation)
	provider := genaiconv.ProviderNameAttr(req.Provider)
	if resp != nil && resp.Usage != nil {
		if v := resp.Usage.InputTokens; v != nil {
			m.tokens.Record(ctx, *v, op, provider, genaiconv.TokenTypeInput, attrs...)
		}
		if v := resp.Usage.OutputTokens; v != nil {
			m.tokens.Record(ctx, *v, op, provider, genaiconv.TokenTypeOutput, attrs...)
		}
	}
	if errType != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
	}
	m.duration.Record(ctx, seconds, op, provider, attrs...)
}
