package instrumentation_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kaizenhq/kaizen/instrumentation"
)

// The examples with the provider SDKs (openai-go, genai, anthropic-sdk-go)
// are in internal/testkit/sdktest of the repository, whose module may use
// their Go version.

// printSpans prints each recorded span with its provider and usage attributes.
func printSpans(rec *tracetest.SpanRecorder) {
	for _, s := range rec.Ended() {
		fmt.Println(s.Name())
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "gen_ai.provider.name", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens":
				fmt.Printf("  %s=%s\n", kv.Key, kv.Value.String())
			}
		}
	}
}

// Record a call that does not go through HTTP, such as a local model.
func ExampleStartInference() {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	_, call := instrumentation.StartInference(context.Background(), instrumentation.Request{
		Operation: instrumentation.OperationChat, Provider: "ollama", Model: "llama3.2",
	}, instrumentation.WithTracerProvider(tp))
	call.End(&instrumentation.Response{Usage: &instrumentation.Usage{
		InputTokens: instrumentation.Int(12), OutputTokens: instrumentation.Int(34),
	}}, nil)
	printSpans(rec)
	// Output:
	// chat llama3.2
	//   gen_ai.provider.name=ollama
	//   gen_ai.usage.input_tokens=12
	//   gen_ai.usage.output_tokens=34
}
