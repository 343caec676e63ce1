package sdktest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/anthropics/anthropic-sdk-go/v2"
	aoption "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/genai"

	"github.com/kaizenhq/kaizen/instrumentation"
)

// exampleServer stands in for the provider so that the examples run offline.
func exampleServer(fixtureName, contentType string) *httptest.Server {
	body, err := os.ReadFile(filepath.Join(fixtureDir, fixtureName))
	if err != nil {
		panic(err)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	}))
}

// printSpans prints each recorded span with its usage attributes.
func printSpans(rec *tracetest.SpanRecorder) {
	for _, s := range rec.Ended() {
		fmt.Println(s.Name())
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "gen_ai.provider.name", "gen_ai.workflow.name", "gen_ai.agent.name",
				"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
				"gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
				"gen_ai.usage.reasoning.output_tokens":
				fmt.Printf("  %s=%s\n", kv.Key, kv.Value.String())
			}
		}
	}
}

// Instrument openai-go: give it an http.Client whose Transport is NewTransport.
func Example_openai() {
	srv := exampleServer("openai_chat.json", "application/json")
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))

	httpClient := &http.Client{Transport: instrumentation.NewTransport(nil, instrumentation.WithTracerProvider(tp))}
	client := openai.NewClient(option.WithHTTPClient(httpClient), option.WithBaseURL(srv.URL+"/v1/"), option.WithAPIKey("sk-example"))

	ctx, workflow := instrumentation.StartWorkflow(context.Background(), "trip-planner", instrumentation.WithTracerProvider(tp))
	ctx, agent := instrumentation.StartAgent(ctx, "researcher", instrumentation.WithTracerProvider(tp))
	res, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Capital of France?")},
	})
	if err != nil {
		panic(err)
	}
	agent.End()
	workflow.End()
	fmt.Println(res.Choices[0].Message.Content)
	printSpans(rec)
	// Output:
	// The capital of France is Paris.
	// chat gpt-4o
	//   gen_ai.provider.name=openai
	//   gen_ai.workflow.name=trip-planner
	//   gen_ai.agent.name=researcher
	//   gen_ai.usage.input_tokens=1200
	//   gen_ai.usage.output_tokens=300
	//   gen_ai.usage.cache_read.input_tokens=1024
	//   gen_ai.usage.reasoning.output_tokens=192
	// invoke_agent researcher
	//   gen_ai.workflow.name=trip-planner
	//   gen_ai.agent.name=researcher
	// invoke_workflow trip-planner
	//   gen_ai.workflow.name=trip-planner
}

// Instrument google.golang.org/genai through ClientConfig.HTTPClient.
func Example_genai() {
	srv := exampleServer("gemini_generate.json", "application/json")
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))

	client, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey:      "example-key",
		Backend:     genai.BackendGeminiAPI,
		HTTPClient:  &http.Client{Transport: instrumentation.NewTransport(nil, instrumentation.WithTracerProvider(tp))},
		HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL},
	})
	if err != nil {
		panic(err)
	}
	res, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("Capital of France?"), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Text())
	printSpans(rec)
	// Output:
	// Paris is the capital of France.
	// generate_content gemini-2.5-flash
	//   gen_ai.provider.name=gcp.gemini
	//   gen_ai.usage.input_tokens=5000
	//   gen_ai.usage.output_tokens=290
	//   gen_ai.usage.cache_read.input_tokens=4096
	//   gen_ai.usage.reasoning.output_tokens=250
}

// Instrument anthropic-sdk-go with option.WithHTTPClient.
func Example_anthropic() {
	srv := exampleServer("anthropic_messages.json", "application/json")
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))

	client := anthropic.NewClient(
		aoption.WithHTTPClient(&http.Client{Transport: instrumentation.NewTransport(nil, instrumentation.WithTracerProvider(tp))}),
		aoption.WithBaseURL(srv.URL), aoption.WithAPIKey("sk-ant-example"))
	res, err := client.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "claude-sonnet-4-5", MaxTokens: 1024,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Capital of France?"))},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.StopReason)
	printSpans(rec)
	// Output:
	// end_turn
	// chat claude-sonnet-4-5
	//   gen_ai.provider.name=anthropic
	//   gen_ai.usage.input_tokens=10050
	//   gen_ai.usage.output_tokens=400
	//   gen_ai.usage.cache_read.input_tokens=8000
	//   gen_ai.usage.cache_creation.input_tokens=2000
}
