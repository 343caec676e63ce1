package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"

	"github.com/kaizenhq/kaizen/examples/fakellm"
	"github.com/kaizenhq/kaizen/examples/triage"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// TriageService is the service.name of the triage workload's spans.
const TriageService = "support-triage"

// RunTriage runs the instrumented support-triage workflow (real OpenAI,
// Anthropic and Gemini SDKs against a fakellm server) runs times, exporting
// its spans over OTLP gRPC to grpcEndpoint, and returns what the collector
// must store, derived from the spans as the SDK ended them. It replaces the
// global TracerProvider while it runs (triage uses the global one), so it
// must not run in parallel with other code that does the same.
func RunTriage(ctx context.Context, grpcEndpoint string, runs int) (Expect, error) {
	srv := httptest.NewServer(fakellm.New(nil))
	defer srv.Close()
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(grpcEndpoint), otlptracegrpc.WithInsecure())
	if err != nil {
		return Expect{}, fmt.Errorf("OTLP exporter for %s: %w", grpcEndpoint, err)
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(rec),
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(TriageService))),
	)
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	defer otel.SetTracerProvider(prev)

	clients, err := triage.NewClients(ctx, srv.URL)
	if err != nil {
		return Expect{}, err
	}
	var errs []error
	for i := range runs {
		if _, err := triage.Run(ctx, clients, triage.SampleTickets[i%len(triage.SampleTickets)]); err != nil {
			errs = append(errs, fmt.Errorf("triage run %d: %w", i, err))
		}
	}
	if err := tp.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flush spans to %s: %w", grpcEndpoint, err))
	}
	if err := errors.Join(errs...); err != nil {
		return Expect{}, err
	}
	return expectFromSpans(rec.Ended())
}

// nonInference are gen_ai.operation.name values that are not model calls.
var nonInference = map[string]bool{"invoke_workflow": true, "invoke_agent": true, "execute_tool": true, "create_agent": true}

// expectFromSpans lists every span and, for each inference span, the call
// with its workflow and agent taken from the span or its nearest ancestor.
func expectFromSpans(spans []sdktrace.ReadOnlySpan) (Expect, error) {
	e := Expect{Spans: map[SpanKey]bool{}}
	byID := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID().String()] = s
		e.Spans[keyOf(s)] = true
	}
	for _, s := range spans {
		a := attrMap(s.Attributes())
		model := a["gen_ai.request.model"].AsString()
		if model == "" || nonInference[a["gen_ai.operation.name"].AsString()] {
			continue
		}
		c := Call{SpanKey: keyOf(s), Provider: a["gen_ai.provider.name"].AsString(), Model: model, Usage: pricing.Usage{
			InputTokens:      a["gen_ai.usage.input_tokens"].AsInt64(),
			OutputTokens:     a["gen_ai.usage.output_tokens"].AsInt64(),
			CacheReadTokens:  a["gen_ai.usage.cache_read.input_tokens"].AsInt64(),
			CacheWriteTokens: a["gen_ai.usage.cache_creation.input_tokens"].AsInt64(),
			ReasoningTokens:  a["gen_ai.usage.reasoning.output_tokens"].AsInt64(),
		}}
		c.Workflow = ancestorAttr(s, byID, "gen_ai.workflow.name")
		c.Agent = ancestorAttr(s, byID, "gen_ai.agent.name")
		if c.Usage.InputTokens == 0 || c.Workflow == "" || c.Agent == "" {
			return e, fmt.Errorf("triage span %q: no usage, workflow or agent recorded: %v", s.Name(), s.Attributes())
		}
		e.Calls = append(e.Calls, c)
	}
	return e, nil
}

func keyOf(s sdktrace.ReadOnlySpan) SpanKey {
	return SpanKey{s.SpanContext().TraceID().String(), s.SpanContext().SpanID().String()}
}

func attrMap(kvs []attribute.KeyValue) map[string]attribute.Value {
	m := make(map[string]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// ancestorAttr returns key from s or its nearest ancestor that has it.
func ancestorAttr(s sdktrace.ReadOnlySpan, byID map[string]sdktrace.ReadOnlySpan, key string) string {
	for s != nil {
		if v := attrMap(s.Attributes())[key].AsString(); v != "" {
			return v
		}
		s = byID[s.Parent().SpanID().String()]
	}
	return ""
}
