package sdktest

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	aoption "github.com/anthropics/anthropic-sdk-go/v2/option"
	"google.golang.org/genai"
)

func geminiClient(t *testing.T, f *fakeLLM, hc *http.Client) *genai.Client {
	t.Helper()
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: "AIza-test-SECRET-gemini-0002", Backend: genai.BackendGeminiAPI, HTTPClient: hc,
		HTTPOptions: genai.HTTPOptions{BaseURL: f.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func anthropicClient(f *fakeLLM, hc *http.Client) anthropic.Client {
	return anthropic.NewClient(aoption.WithBaseURL(f.URL), aoption.WithAPIKey("sk-ant-test-SECRET-0003"),
		aoption.WithHTTPClient(hc), aoption.WithMaxRetries(0))
}

func TestGeminiSDK(t *testing.T) {
	body := fixture(t, "gemini_generate.json")
	f := newFake(t, 200, "application/json", body)
	rec, tp := newTracing()
	hc, tap := instrumentedClient(tp)
	client := geminiClient(t, f, hc)
	res, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("Capital of France?"),
		&genai.GenerateContentConfig{
			SystemInstruction: genai.NewContentFromText("Be brief.", genai.RoleUser),
			Temperature:       genai.Ptr[float32](0.5), TopK: genai.Ptr[float32](40), MaxOutputTokens: 100,
			StopSequences: []string{"STOP!"}, CandidateCount: 1,
		})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text() != "Paris is the capital of France." {
		t.Fatalf("SDK text %q", res.Text())
	}
	if !bytes.Equal(tap.bytes(), body) {
		t.Fatal("bytes differ")
	}
	s := clientSpan(t, rec)
	if s.Name() != "generate_content gemini-2.5-flash" {
		t.Errorf("name %q", s.Name())
	}
	expectAttrs(t, s, map[string]any{
		"gen_ai.operation.name":                "generate_content",
		"gen_ai.provider.name":                 "gcp.gemini",
		"gen_ai.request.model":                 "gemini-2.5-flash",
		"gen_ai.request.temperature":           0.5,
		"gen_ai.request.top_k":                 40.0,
		"gen_ai.request.max_tokens":            100,
		"gen_ai.request.stop_sequences":        []string{"STOP!"},
		"gen_ai.request.choice.count":          1,
		"gen_ai.response.id":                   "mCyxaNDcH5mD-sAPjvqcmQI",
		"gen_ai.response.model":                "gemini-2.5-flash",
		"gen_ai.response.finish_reasons":       []string{"STOP"},
		"gen_ai.usage.input_tokens":            5000,
		"gen_ai.usage.output_tokens":           290,
		"gen_ai.usage.cache_read.input_tokens": 4096,
		"gen_ai.usage.reasoning.output_tokens": 250,
	})
	if got := jsonAttr(t, s, "gen_ai.system_instructions"); !reflect.DeepEqual(got, mustJSON(t, `[{"type":"text","content":"Be brief."}]`)) {
		t.Errorf("system %v", got)
	}
	if got := jsonAttr(t, s, "gen_ai.input.messages"); !reflect.DeepEqual(got, mustJSON(t, `[{"role":"user","parts":[{"type":"text","content":"Capital of France?"}]}]`)) {
		t.Errorf("input %v", got)
	}
	if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, mustJSON(t, `[{"role":"assistant","parts":[{"type":"text","content":"Paris is the capital of France."}],"finish_reason":"stop"}]`)) {
		t.Errorf("output %v", got)
	}
}

func TestGeminiStreamSDK(t *testing.T) {
	body := fixture(t, "gemini_stream.sse")
	f := newFake(t, 200, "text/event-stream", body)
	rec, tp := newTracing()
	hc, tap := instrumentedClient(tp)
	client := geminiClient(t, f, hc)
	var text string
	for res, err := range client.Models.GenerateContentStream(context.Background(), "gemini-2.5-flash", genai.Text("Capital?"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		text += res.Text()
	}
	if text != "Paris is the capital of France." {
		t.Fatalf("SDK text %q", text)
	}
	if !bytes.Equal(tap.bytes(), body) {
		t.Fatal("bytes differ")
	}
	s := clientSpan(t, rec)
	expectAttrs(t, s, map[string]any{
		"gen_ai.request.stream":                true,
		"gen_ai.usage.input_tokens":            300,
		"gen_ai.usage.output_tokens":           112,
		"gen_ai.usage.reasoning.output_tokens": 100,
		"gen_ai.response.finish_reasons":       []string{"STOP"},
		"error.type":                           nil,
		"kaizen.capture.error":                 nil,
	})
	if attrMap(s)["gen_ai.response.time_to_first_chunk"].AsFloat64() <= 0 {
		t.Error("ttfc missing")
	}
}

func TestGeminiFunctionCallSDK(t *testing.T) {
	f := newFake(t, 200, "application/json", fixture(t, "gemini_tools.json"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	client := geminiClient(t, f, hc)
	if _, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("Weather?"), nil); err != nil {
		t.Fatal(err)
	}
	s := clientSpan(t, rec)
	want := mustJSON(t, `[{"role":"assistant","parts":[{"type":"tool_call","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"stop"}]`)
	if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, want) {
		t.Errorf("output %v", got)
	}
}

func TestAnthropicSDK(t *testing.T) {
	body := fixture(t, "anthropic_messages.json")
	f := newFake(t, 200, "application/json", body)
	rec, tp := newTracing()
	hc, tap := instrumentedClient(tp)
	client := anthropicClient(f, hc)
	res, err := client.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "claude-sonnet-4-5", MaxTokens: 1024, StopSequences: []string{"###"},
		System:   []anthropic.TextBlockParam{{Text: "You are a geographer."}},
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Capital of France?"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != "msg_01XFDUDYJgAACzvnptvVoYEL" {
		t.Fatalf("SDK id %q", res.ID)
	}
	if !bytes.Equal(tap.bytes(), body) {
		t.Fatal("bytes differ")
	}
	s := clientSpan(t, rec)
	if s.Name() != "chat claude-sonnet-4-5" {
		t.Errorf("name %q", s.Name())
	}
	expectAttrs(t, s, map[string]any{
		"gen_ai.provider.name":                     "anthropic",
		"gen_ai.request.max_tokens":                1024,
		"gen_ai.request.stop_sequences":            []string{"###"},
		"gen_ai.response.finish_reasons":           []string{"end_turn"},
		"gen_ai.usage.input_tokens":                10050,
		"gen_ai.usage.output_tokens":               400,
		"gen_ai.usage.cache_read.input_tokens":     8000,
		"gen_ai.usage.cache_creation.input_tokens": 2000,
		"gen_ai.usage.reasoning.output_tokens":     nil,
	})
	if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, mustJSON(t, `[{"role":"assistant","parts":[{"type":"reasoning","content":"The user asks for the capital."},{"type":"text","content":"Paris."}],"finish_reason":"stop"}]`)) {
		t.Errorf("output %v", got)
	}
	if got := jsonAttr(t, s, "gen_ai.system_instructions"); !reflect.DeepEqual(got, mustJSON(t, `[{"type":"text","content":"You are a geographer."}]`)) {
		t.Errorf("system %v", got)
	}
}

func TestAnthropicStreamSDK(t *testing.T) {
	body := fixture(t, "anthropic_stream.sse")
	f := newFake(t, 200, "text/event-stream", body)
	rec, tp := newTracing()
	hc, tap := instrumentedClient(tp)
	client := anthropicClient(f, hc)
	stream := client.Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{
		Model: "claude-sonnet-4-5", MaxTokens: 1024,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Weather in Paris?"))},
	})
	msg := anthropic.Message{}
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	if !bytes.Equal(tap.bytes(), body) {
		t.Fatal("bytes differ")
	}
	s := clientSpan(t, rec)
	expectAttrs(t, s, map[string]any{
		"gen_ai.request.stream":                    true,
		"gen_ai.response.id":                       "msg_stream1",
		"gen_ai.response.finish_reasons":           []string{"tool_use"},
		"gen_ai.usage.input_tokens":                3025,
		"gen_ai.usage.output_tokens":               89,
		"gen_ai.usage.cache_read.input_tokens":     3000,
		"gen_ai.usage.cache_creation.input_tokens": 0,
		"error.type":                               nil,
		"kaizen.capture.error":                     nil,
	})
	want := mustJSON(t, `[{"role":"assistant","parts":[{"type":"text","content":"Hello! Paris it is."},{"type":"tool_call","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`)
	if got := jsonAttr(t, s, "gen_ai.output.messages"); !reflect.DeepEqual(got, want) {
		t.Errorf("output %v", got)
	}
}
