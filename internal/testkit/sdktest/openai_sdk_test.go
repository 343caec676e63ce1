package sdktest

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
)

func openaiClient(f *fakeLLM, hc interface{}) openai.Client {
	return openai.NewClient(option.WithBaseURL(f.URL+"/v1/"), option.WithAPIKey("sk-test-SECRET-openai-0001"),
		option.WithHTTPClient(hc.(option.HTTPClient)), option.WithMaxRetries(0))
}

func TestOpenAIChatSDK(t *testing.T) {
	body := fixture(t, "openai_chat.json")
	f := newFake(t, 200, "application/json", body)
	rec, tp := newTracing()
	hc, tap := instrumentedClient(tp)
	client := openaiClient(f, hc)

	res, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:       "gpt-4o",
		Messages:    []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("You are terse."), openai.UserMessage("Capital of France?")},
		Temperature: openai.Float(0.2),
		TopP:        openai.Float(0.9),
		MaxTokens:   openai.Int(256),
		Seed:        openai.Int(7),
		N:           openai.Int(1),
		Stop:        openai.ChatCompletionNewParamsStopUnion{OfStringArray: []string{"END"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Choices[0].Message.Content != "The capital of France is Paris." {
		t.Fatalf("SDK got %q", res.Choices[0].Message.Content)
	}
	if !bytes.Equal(tap.bytes(), body) {
		t.Fatal("bytes received by the SDK differ from the bytes the server sent")
	}
	s := clientSpan(t, rec)
	if s.Name() != "chat gpt-4o" {
		t.Errorf("span name %q", s.Name())
	}
	expectAttrs(t, s, map[string]any{
		"gen_ai.operation.name":                    "chat",
		"gen_ai.provider.name":                     "openai",
		"gen_ai.request.model":                     "gpt-4o",
		"gen_ai.request.temperature":               0.2,
		"gen_ai.request.top_p":                     0.9,
		"gen_ai.request.max_tokens":                256,
		"gen_ai.request.seed":                      7,
		"gen_ai.request.choice.count":              1,
		"gen_ai.request.stop_sequences":            []string{"END"},
		"gen_ai.request.stream":                    false,
		"gen_ai.response.id":                       "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
		"gen_ai.response.model":                    "gpt-4o-2024-08-06",
		"gen_ai.response.finish_reasons":           []string{"stop"},
		"gen_ai.usage.input_tokens":                1200,
		"gen_ai.usage.output_tokens":               300,
		"gen_ai.usage.cache_read.input_tokens":     1024,
		"gen_ai.usage.reasoning.output_tokens":     192,
		"gen_ai.usage.cache_creation.input_tokens": nil,
		"server.address":                           "127.0.0.1",
		"error.type":                               nil,
		"kaizen.capture.error":                     nil,
	})
	if got := attrMap(s)["server.port"].AsInt64(); got == 0 {
		t.Error("server.port missing")
	}
	wantIn := mustJSON(t, `[{"role":"system","parts":[{"type":"text","content":"You are terse."}]},{"role":"user","parts":[{"type":"text","content":"Capital of France?"}]}]`)
	if got := jsonAttr(t, s, "gen_ai.input.messages"); !reflect.DeepEqual(got, wantIn) {
		t.Errorf("input messages %v", got)
	}
	if got := jsonAttr(t, s, "gen_ai.system_instructions"); !reflect.DeepEqual(got, mustJSON(t, `[{"type":"text","content":"You are terse."}]`)) {
		t.Errorf("system instructions %v", got)
	}
	wantOut := mustJSON(t, `[{"role":"assistant","parts":[{"type":"text","content":"The capital of France is Paris."}],"finish_reason":"stop"}]`)
	if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, wantOut) {
		t.Errorf("output messages %v", got)
	}
}

func TestOpenAIChatToolCallsSDK(t *testing.T) {
	f := newFake(t, 200, "application/json", fixture(t, "openai_chat_tools.json"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	client := openaiClient(f, hc)
	_, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Weather in Paris?")},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := clientSpan(t, rec)
	want := mustJSON(t, `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_abc123","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`)
	if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, want) {
		t.Errorf("output messages %v", got)
	}
	expectAttrs(t, s, map[string]any{"gen_ai.response.finish_reasons": []string{"tool_calls"}, "gen_ai.usage.cache_read.input_tokens": 0})
}

func TestOpenAIChatStreamSDK(t *testing.T) {
	body := fixture(t, "openai_chat_stream.sse")
	f := newFake(t, 200, "text/event-stream", body)
	rec, tp := newTracing()
	hc, tap := instrumentedClient(tp)
	client := openaiClient(f, hc)
	stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:    "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")},
	})
	var text strings.Builder
	for stream.Next() {
		if c := stream.Current(); len(c.Choices) > 0 {
			text.WriteString(c.Choices[0].Delta.Content)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	if text.String() != "Hello! How can I help you today?" {
		t.Fatalf("SDK text %q", text.String())
	}
	if !bytes.Equal(tap.bytes(), body) {
		t.Fatal("streamed bytes differ")
	}
	sent, _ := f.request()
	if !bytes.Contains(sent, []byte(`"stream_options":{"include_usage":true}`)) {
		t.Errorf("include_usage not injected: %s", sent)
	}
	s := clientSpan(t, rec)
	expectAttrs(t, s, map[string]any{
		"gen_ai.request.stream":                true,
		"gen_ai.response.id":                   "chatcmpl-stream1",
		"gen_ai.response.model":                "gpt-4o-mini-2024-07-18",
		"gen_ai.response.finish_reasons":       []string{"stop"},
		"gen_ai.usage.input_tokens":            2048,
		"gen_ai.usage.output_tokens":           120,
		"gen_ai.usage.cache_read.input_tokens": 1536,
		"gen_ai.usage.reasoning.output_tokens": 64,
		"error.type":                           nil,
		"kaizen.capture.error":                 nil,
	})
	if v := attrMap(s)["gen_ai.response.time_to_first_chunk"]; v.AsFloat64() <= 0 {
		t.Error("time_to_first_chunk missing")
	}
	want := mustJSON(t, `[{"role":"assistant","parts":[{"type":"text","content":"Hello! How can I help you today?"}],"finish_reason":"stop"}]`)
	if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, want) {
		t.Errorf("output messages %v", got)
	}
}

func TestOpenAIStreamWithoutUsage(t *testing.T) {
	f := newFake(t, 200, "text/event-stream", fixture(t, "openai_chat_stream_nousage.sse"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp, instrumentationWithStreamUsage(false))
	client := openaiClient(f, hc)
	stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")},
	})
	for stream.Next() {
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	sent, _ := f.request()
	if bytes.Contains(sent, []byte("stream_options")) {
		t.Errorf("stream_options injected although disabled")
	}
	s := clientSpan(t, rec)
	expectAttrs(t, s, map[string]any{
		"gen_ai.usage.input_tokens":      nil,
		"gen_ai.usage.output_tokens":     nil,
		"gen_ai.response.finish_reasons": []string{"stop"},
		"kaizen.capture.error":           []string{"no token usage reported"},
		"error.type":                     nil,
	})
}

func TestOpenAIResponsesSDK(t *testing.T) {
	for _, stream := range []bool{false, true} {
		name, ct := "openai_responses.json", "application/json"
		if stream {
			name, ct = "openai_responses_stream.sse", "text/event-stream"
		}
		t.Run(name, func(t *testing.T) {
			body := fixture(t, name)
			f := newFake(t, 200, ct, body)
			rec, tp := newTracing()
			hc, tap := instrumentedClient(tp)
			client := openaiClient(f, hc)
			params := responses.ResponseNewParams{
				Model:        "o4-mini",
				Instructions: openai.String("Answer briefly."),
				Input:        responses.ResponseNewParamsInputUnion{OfString: openai.String("Capital of France?")},
			}
			if stream {
				st := client.Responses.NewStreaming(context.Background(), params)
				for st.Next() {
				}
				if err := st.Err(); err != nil {
					t.Fatal(err)
				}
				st.Close()
			} else if _, err := client.Responses.New(context.Background(), params); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(tap.bytes(), body) {
				t.Fatal("bytes differ")
			}
			s := clientSpan(t, rec)
			if s.Name() != "chat o4-mini" {
				t.Errorf("name %q", s.Name())
			}
			expectAttrs(t, s, map[string]any{
				"gen_ai.request.stream":                stream,
				"gen_ai.response.model":                "o4-mini-2025-04-16",
				"gen_ai.usage.input_tokens":            3000,
				"gen_ai.usage.output_tokens":           700,
				"gen_ai.usage.cache_read.input_tokens": 2048,
				"gen_ai.usage.reasoning.output_tokens": 640,
				"gen_ai.response.finish_reasons":       []string{"stop"},
			})
			want := mustJSON(t, `[{"role":"assistant","parts":[{"type":"reasoning","content":"Thinking about capitals."},{"type":"text","content":"Paris."}],"finish_reason":"stop"}]`)
			if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, want) {
				t.Errorf("output %v", got)
			}
			if got := jsonAttr(t, s, "gen_ai.system_instructions"); !reflect.DeepEqual(got, mustJSON(t, `[{"type":"text","content":"Answer briefly."}]`)) {
				t.Errorf("system %v", got)
			}
		})
	}
}

func TestOpenAIEmbeddingsSDK(t *testing.T) {
	f := newFake(t, 200, "application/json", fixture(t, "openai_embeddings.json"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	client := openaiClient(f, hc)
	_, err := client.Embeddings.New(context.Background(), openai.EmbeddingNewParams{
		Model:          "text-embedding-3-small",
		Input:          openai.EmbeddingNewParamsInputUnion{OfString: openai.String("hello")},
		Dimensions:     openai.Int(3),
		EncodingFormat: openai.EmbeddingNewParamsEncodingFormatFloat,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := clientSpan(t, rec)
	if s.Name() != "embeddings text-embedding-3-small" {
		t.Errorf("name %q", s.Name())
	}
	expectAttrs(t, s, map[string]any{
		"gen_ai.operation.name":             "embeddings",
		"gen_ai.embeddings.dimension.count": 3,
		"gen_ai.usage.input_tokens":         8,
		"gen_ai.response.model":             "text-embedding-3-small",
		"gen_ai.input.messages":             nil,
		"gen_ai.request.encoding_formats":   []string{"float"},
	})
}
