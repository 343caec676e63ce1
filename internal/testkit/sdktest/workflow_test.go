package sdktest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/kaizenhq/kaizen/instrumentation"
	"github.com/openai/openai-go/v3"
)

func TestWorkflowAgentToolSpans(t *testing.T) {
	f := newFake(t, 200, "application/json", fixture(t, "openai_chat.json"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	client := openaiClient(f, hc)
	opt := instrumentation.WithTracerProvider(tp)

	ctx, wf := instrumentation.StartWorkflow(context.Background(), "trip-planner", opt)
	actx, agent := instrumentation.StartAgent(ctx, "researcher", opt)
	if _, err := client.Chat.Completions.New(actx, openai.ChatCompletionNewParams{Model: "gpt-4o", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}}); err != nil {
		t.Fatal(err)
	}
	_, tool := instrumentation.StartTool(actx, "search_flights", opt)
	tool.End()
	agent.End()
	wf.End()

	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		byName[s.Name()] = s
	}
	w, a, tl, call := byName["invoke_workflow trip-planner"], byName["invoke_agent researcher"], byName["execute_tool search_flights"], byName["chat gpt-4o"]
	if w == nil || a == nil || tl == nil || call == nil {
		t.Fatalf("spans: %v", byName)
	}
	expectAttrs(t, w, map[string]any{"gen_ai.operation.name": "invoke_workflow", "gen_ai.workflow.name": "trip-planner", "gen_ai.agent.name": nil})
	expectAttrs(t, a, map[string]any{"gen_ai.operation.name": "invoke_agent", "gen_ai.workflow.name": "trip-planner", "gen_ai.agent.name": "researcher"})
	expectAttrs(t, tl, map[string]any{"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search_flights", "gen_ai.agent.name": "researcher", "gen_ai.workflow.name": "trip-planner"})
	expectAttrs(t, call, map[string]any{"gen_ai.workflow.name": "trip-planner", "gen_ai.agent.name": "researcher"})
	if a.Parent().SpanID() != w.SpanContext().SpanID() || call.Parent().SpanID() != a.SpanContext().SpanID() || tl.Parent().SpanID() != a.SpanContext().SpanID() {
		t.Error("wrong parentage")
	}
	if instrumentation.WorkflowName(actx) != "trip-planner" || instrumentation.AgentName(actx) != "researcher" {
		t.Error("names not in context")
	}
}

// TestConcurrentWorkflows: 100 workflows in goroutines, each with agents and
// calls; every span lands in its own workflow's trace.
func TestConcurrentWorkflows(t *testing.T) {
	f := newFake(t, 200, "application/json", fixture(t, "openai_chat.json"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	client := openaiClient(f, hc)
	opt := instrumentation.WithTracerProvider(tp)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			name := fmt.Sprintf("wf-%03d", i)
			ctx, wf := instrumentation.StartWorkflow(context.Background(), name, opt)
			defer wf.End()
			for _, agentName := range []string{"planner", "writer"} {
				actx, agent := instrumentation.StartAgent(ctx, name+"/"+agentName, opt)
				for range 2 {
					if _, err := client.Chat.Completions.New(actx, openai.ChatCompletionNewParams{Model: "gpt-4o", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(name)}}); err != nil {
						t.Error(err)
					}
				}
				agent.End()
			}
		})
	}
	wg.Wait()
	traces := map[trace.TraceID]string{}
	for _, s := range rec.Ended() {
		if s.Name() == "invoke_workflow "+attrMap(s)["gen_ai.workflow.name"].AsString() {
			traces[s.SpanContext().TraceID()] = attrMap(s)["gen_ai.workflow.name"].AsString()
		}
	}
	if len(traces) != 100 {
		t.Fatalf("%d workflow traces", len(traces))
	}
	calls := 0
	for _, s := range rec.Ended() {
		wf := attrMap(s)["gen_ai.workflow.name"].AsString()
		if traces[s.SpanContext().TraceID()] != wf {
			t.Fatalf("span %s of workflow %q is in the trace of %q", s.Name(), wf, traces[s.SpanContext().TraceID()])
		}
		if ag := attrMap(s)["gen_ai.agent.name"].AsString(); ag != "" && !strings.HasPrefix(ag, wf+"/") {
			t.Fatalf("agent %q under workflow %q", ag, wf)
		}
		if s.SpanKind() == trace.SpanKindClient {
			calls++
		}
	}
	if calls != 400 {
		t.Fatalf("%d calls", calls)
	}
}

// TestCredentialsNeverRecorded plants credentials in headers and the URL, has
// the server echo them in errors and content, and checks every attribute.
func TestCredentialsNeverRecorded(t *testing.T) {
	const secret = "sk-PLANTED-SECRET-9f8e7d6c"
	f := newFake(t, 401, "application/json", []byte(`{"error":{"message":"Incorrect API key provided: `+secret+`","type":"invalid_request_error"}}`))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	for _, path := range []string{"/v1/chat/completions", "/v1beta/models/gemini-2.5-flash:generateContent?key=" + secret, "/v1/messages", "/openai/deployments/gpt4/chat/completions?api-version=2024-10-21"} {
		req, _ := http.NewRequest("POST", f.URL+path, strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"hi"}],"contents":[{"parts":[{"text":"hi"}]}]}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("x-api-key", secret)
		req.Header.Set("x-goog-api-key", secret)
		req.Header.Set("api-key", secret)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	spans := rec.Ended()
	if len(spans) != 4 {
		t.Fatalf("%d spans", len(spans))
	}
	for _, s := range spans {
		for _, kv := range s.Attributes() {
			if strings.Contains(kv.Value.String(), secret) {
				t.Errorf("%s: credential in %s", s.Name(), kv.Key)
			}
		}
		if strings.Contains(s.Status().Description, secret) {
			t.Errorf("%s: credential in status", s.Name())
		}
		if !strings.Contains(s.Status().Description, instrumentation.Redacted) {
			t.Errorf("%s: status %q not redacted", s.Name(), s.Status().Description)
		}
		for _, ev := range s.Events() {
			for _, kv := range ev.Attributes {
				if strings.Contains(kv.Value.String(), secret) {
					t.Errorf("credential in event")
				}
			}
		}
	}
}

func TestManualInferenceAndMetrics(t *testing.T) {
	rec, tp := newTracing()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	r := instrumentation.NewRecorder(instrumentation.WithTracerProvider(tp), instrumentation.WithMeterProvider(mp))
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	ctx, _ := instrumentation.StartWorkflow(context.Background(), "local", instrumentation.WithTracerProvider(tp))
	_, in := r.StartInference(ctx, instrumentation.Request{
		Operation: instrumentation.OperationChat, Provider: "ollama", Model: "llama3.2",
		ServerAddress: "localhost", ServerPort: 11434, MaxTokens: instrumentation.Int(64),
		InputMessages: []instrumentation.Message{{Role: "user", Parts: []instrumentation.Part{instrumentation.TextPart("hi")}}},
	})
	in.End(&instrumentation.Response{
		Model: "llama3.2:3b", FinishReasons: []string{"stop"},
		Usage:          &instrumentation.Usage{InputTokens: instrumentation.Int(12), OutputTokens: instrumentation.Int(34)},
		OutputMessages: []instrumentation.Message{{Role: "assistant", Parts: []instrumentation.Part{instrumentation.TextPart("hello")}, FinishReason: "stop"}},
	}, nil)
	s := clientSpan(t, rec)
	if s.Name() != "chat llama3.2" {
		t.Errorf("name %q", s.Name())
	}
	expectAttrs(t, s, map[string]any{
		"gen_ai.provider.name": "ollama", "server.port": 11434, "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 34,
		"gen_ai.workflow.name": "local", "gen_ai.request.max_tokens": 64, "gen_ai.response.model": "llama3.2:3b",
	})
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	found := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Histogram[int64]:
				for _, p := range d.DataPoints {
					tt, _ := p.Attributes.Value(attribute.Key("gen_ai.token.type"))
					found[m.Name+"/"+tt.AsString()] = p.Sum
				}
			case metricdata.Histogram[float64]:
				found[m.Name] = int64(d.DataPoints[0].Count)
			}
		}
	}
	if found["gen_ai.client.token.usage/input"] != 12 || found["gen_ai.client.token.usage/output"] != 34 || found["gen_ai.client.operation.duration"] != 1 {
		t.Errorf("metrics %v", found)
	}
}

func TestContentCaptureOff(t *testing.T) {
	for _, viaEnv := range []bool{false, true} {
		f := newFake(t, 200, "application/json", fixture(t, "openai_chat.json"))
		rec, tp := newTracing()
		var opts []instrumentation.Option
		if viaEnv {
			t.Setenv(instrumentation.CaptureContentEnv, "false")
		} else {
			opts = append(opts, instrumentation.WithContentCapture(false))
		}
		hc, _ := instrumentedClient(tp, opts...)
		client := openaiClient(f, hc)
		if _, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{Model: "gpt-4o", Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("s"), openai.UserMessage("x")}}); err != nil {
			t.Fatal(err)
		}
		expectAttrs(t, clientSpan(t, rec), map[string]any{
			"gen_ai.input.messages": nil, "gen_ai.output.messages": nil, "gen_ai.system_instructions": nil,
			"gen_ai.usage.input_tokens": 1200,
		})
	}
}

func TestContentTruncated(t *testing.T) {
	f := newFake(t, 200, "application/json", fixture(t, "openai_chat.json"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp, instrumentation.WithMaxContentBytes(4096))
	client := openaiClient(f, hc)
	huge := strings.Repeat("é", 10000)
	if _, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{Model: "gpt-4o", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(huge)}}); err != nil {
		t.Fatal(err)
	}
	s := clientSpan(t, rec)
	v := attrMap(s)["gen_ai.input.messages"].AsString()
	if len(v) > 4096 || !strings.Contains(v, "…[truncated ") {
		t.Errorf("len %d, marker present %v", len(v), strings.Contains(v, "…[truncated "))
	}
	jsonAttr(t, s, "gen_ai.input.messages") // still valid JSON
	expectAttrs(t, s, map[string]any{"kaizen.content.truncated": []string{"gen_ai.input.messages"}})
}

func TestPassThroughUnrecognized(t *testing.T) {
	f := newFake(t, 200, "application/json", []byte(`{"data":[]}`))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	for _, r := range []struct{ method, path string }{{"GET", "/v1/models"}, {"POST", "/v1/files"}, {"GET", "/v1/chat/completions"}, {"POST", "/v1beta/models/x:countTokens"}} {
		req, _ := http.NewRequest(r.method, f.URL+r.path, strings.NewReader("{}"))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := len(rec.Started()); n != 0 {
		t.Fatalf("%d spans for unrecognized requests", n)
	}
}

func TestProviderDetection(t *testing.T) {
	f := newFake(t, 200, "application/json", fixture(t, "gemini_generate.json"))
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp, instrumentation.WithProviderName(strings.TrimPrefix(f.URL, "http://"), "my_gateway"))
	req, _ := http.NewRequest("POST", f.URL+"/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent", strings.NewReader(`{"contents":[]}`))
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	expectAttrs(t, clientSpan(t, rec), map[string]any{"gen_ai.provider.name": "my_gateway", "gen_ai.request.model": "gemini-2.5-pro"})
}
