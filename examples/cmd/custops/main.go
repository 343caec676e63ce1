// Command custops runs the customer-operations multi-agent workflow
// (package custops) and exports its spans over OTLP, by default to a
// kaizen-collector on 127.0.0.1:4317. With OPENAI_API_KEY,
// ANTHROPIC_API_KEY and GEMINI_API_KEY all set it calls the real
// providers; otherwise (or with --llm-base-url) an in-process fakellm
// server answers. For each run it prints the trace id, the run's cost at
// list prices and its number of LLM calls, tab-separated.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"

	"github.com/kaizenhq/kaizen/examples/custops"
	"github.com/kaizenhq/kaizen/examples/fakellm"
	"github.com/kaizenhq/kaizen/examples/triage"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "custops:", err)
		os.Exit(1)
	}
}

var keys = []string{"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"}

func run() error {
	endpoint := flag.String("otlp-endpoint", "127.0.0.1:4317", "OTLP gRPC endpoint of the collector")
	llmURL := flag.String("llm-base-url", "", "base URL of the LLM providers (default: the real providers when all three API keys are set, else an in-process fake)")
	variant := flag.String("variant", string(custops.VariantWasteful), "wasteful or optimized")
	runs := flag.Int("runs", 1, "workflow runs")
	concurrency := flag.Int("concurrency", 1, "runs in flight at once")
	flag.Parse()
	v, err := custops.ParseVariant(*variant)
	if err != nil {
		return err
	}
	if *runs < 1 || *concurrency < 1 {
		return fmt.Errorf("--runs and --concurrency must be at least 1")
	}
	ctx := context.Background()
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(*endpoint), otlptracegrpc.WithInsecure())
	if err != nil {
		return fmt.Errorf("OTLP exporter for %s: %w", *endpoint, err)
	}
	meter := custops.NewMeter(nil)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithSpanProcessor(meter),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(custops.WorkflowName))),
	)
	otel.SetTracerProvider(tp)
	base, err := baseURL(*llmURL)
	if err != nil {
		return err
	}
	if base == "fake" {
		srv := httptest.NewServer(fakellm.New(nil))
		defer srv.Close()
		base = srv.URL
	}
	clients, err := triage.NewClients(ctx, base)
	if err != nil {
		return err
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, *concurrency)
	)
	for range *runs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res, err := custops.Run(ctx, clients, v)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("run %s: %w", res.TraceID, err))
				return
			}
			c := meter.Run(res.TraceID)
			fmt.Printf("%s\t%.4f\t%d\n", res.TraceID, c.Cost.Float64(), c.Calls)
		})
	}
	wg.Wait()
	shutdownCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := tp.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("flush spans to %s: %w", *endpoint, err))
	}
	return errors.Join(errs...)
}

// baseURL returns flagURL when given, "" (the real endpoints) when every
// provider's key is set, and "fake" when none is; some keys but not all is
// an error, since the run needs all three providers.
func baseURL(flagURL string) (string, error) {
	if flagURL != "" {
		return flagURL, nil
	}
	var set, unset []string
	for _, k := range keys {
		if os.Getenv(k) != "" {
			set = append(set, k)
		} else {
			unset = append(unset, k)
		}
	}
	switch {
	case len(unset) == 0:
		return "", nil
	case len(set) == 0:
		return "fake", nil
	}
	return "", fmt.Errorf("%v set but %v not: the workflow calls all three providers (unset them all to use the fake LLM)", set, unset)
}
