// Command triage runs the support-triage multi-agent workflow and exports
// its spans over OTLP, by default to a kaizen-collector on 127.0.0.1:4317.
// Without --llm-base-url it answers every model call from an in-process
// fakellm server, so it runs anywhere without API keys.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"

	"github.com/kaizenhq/kaizen/examples/fakellm"
	"github.com/kaizenhq/kaizen/examples/triage"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "triage:", err)
		os.Exit(1)
	}
}

func run() error {
	endpoint := flag.String("otlp-endpoint", "127.0.0.1:4317", "OTLP gRPC endpoint of the collector")
	llmURL := flag.String("llm-base-url", "", "base URL of the LLM providers (default: an in-process fake)")
	runs := flag.Int("runs", len(triage.SampleTickets), "workflow runs (tickets) to triage")
	flag.Parse()
	ctx := context.Background()

	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(*endpoint), otlptracegrpc.WithInsecure())
	if err != nil {
		return fmt.Errorf("OTLP exporter for %s: %w", *endpoint, err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName("support-triage"))),
	)
	otel.SetTracerProvider(tp)

	base := *llmURL
	if base == "" {
		srv := httptest.NewServer(fakellm.New(nil))
		defer srv.Close()
		base = srv.URL
	}
	clients, err := triage.NewClients(ctx, base)
	if err != nil {
		return err
	}
	var errs []error
	for i := range *runs {
		t := triage.SampleTickets[i%len(triage.SampleTickets)]
		res, err := triage.Run(ctx, clients, t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Printf("%s\t%s\t%s\n", res.TraceID, t.ID, res.Category)
	}
	shutdownCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := tp.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("flush spans to %s: %w", *endpoint, err))
	}
	return errors.Join(errs...)
}
