package instrumentation

import (
	"context"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestStartInferenceKeepsPrompt: the prompt is encoded when the call ends,
// so the caller may reuse its slices after StartInference without changing
// what is recorded.
func TestStartInferenceKeepsPrompt(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	msgs := []Message{{Role: "user", Parts: []Part{TextPart("what was asked")}}}
	system := []Part{TextPart("be brief")}
	_, call := StartInference(context.Background(), Request{
		Operation: OperationChat, Provider: "ollama", Model: "llama3.2",
		SystemInstructions: system, InputMessages: msgs,
	}, WithTracerProvider(tp), WithContentCapture(true))
	msgs[0].Parts[0].Content = "overwritten"
	msgs[0].Role = "assistant"
	system[0].Content = "overwritten"
	call.End(&Response{OutputMessages: []Message{{Role: "assistant", Parts: []Part{TextPart("ok")}}}}, nil)

	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	got := map[string]string{}
	for _, kv := range spans[0].Attributes() {
		got[string(kv.Key)] = kv.Value.AsString()
	}
	for key, want := range map[string]string{
		"gen_ai.input.messages":      `[{"role":"user","parts":[{"type":"text","content":"what was asked"}]}]`,
		"gen_ai.system_instructions": `[{"type":"text","content":"be brief"}]`,
		"gen_ai.output.messages":     `[{"role":"assistant","parts":[{"type":"text","content":"ok"}]}]`,
	} {
		if got[key] != want {
			t.Errorf("%s = %s, want %s", key, got[key], want)
		}
	}
	if strings.Contains(got["gen_ai.input.messages"]+got["gen_ai.system_instructions"], "overwritten") {
		t.Error("a change to the caller's slices after StartInference reached the span")
	}
}
