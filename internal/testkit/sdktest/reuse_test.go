package sdktest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"

	"github.com/kaizenhq/kaizen/instrumentation"
)

// TestRecycledBuffersKeepAttributes: the attributes of earlier spans must not
// change when later calls, of the same sizes, go through the same transport
// (no recorded string may alias a body buffer).
func TestRecycledBuffersKeepAttributes(t *testing.T) {
	rec, tp := newTracing()
	base := &memTransport{contentType: "application/json"}
	client := &http.Client{Transport: instrumentation.NewTransport(base, instrumentation.WithTracerProvider(tp))}
	call := func(id, model, reason, text string) {
		base.body = []byte(`{"id":"` + id + `","model":"` + model + `","choices":[{"index":0,"message":{"role":"assistant","content":"` + text + `"},"finish_reason":"` + reason + `"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}`)
		req, _ := http.NewRequest("POST", "https://api.openai.com/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"q"}]}`))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	call("id-first", "model-first", "stop", "answer-first")
	for range 5 {
		call("ID-OTHER", "MODEL-OTHER", "halt", "ANSWER-OTHER") // same lengths: same buffer
	}
	first := rec.Ended()[0]
	got := attrMap(first)
	if v := got[string(semconv.GenAIResponseIDKey)].AsString(); v != "id-first" {
		t.Errorf("response id %q", v)
	}
	if v := got[string(semconv.GenAIResponseModelKey)].AsString(); v != "model-first" {
		t.Errorf("response model %q", v)
	}
	if v := got[string(semconv.GenAIResponseFinishReasonsKey)].AsStringSlice(); len(v) != 1 || v[0] != "stop" {
		t.Errorf("finish reasons %q", v)
	}
	if v := got[string(semconv.GenAIOutputMessagesKey)].AsString(); !strings.Contains(v, "answer-first") {
		t.Errorf("output messages %s", v)
	}

	// Streams: chunk memory is reused within a call.
	rec2, tp2 := newTracing()
	sse := &memTransport{contentType: "text/event-stream", body: bytes.Join([][]byte{
		[]byte(`data: {"id":"s-1","model":"mod-a","choices":[{"index":0,"delta":{"content":"one "},"finish_reason":null}]}`),
		[]byte(`data: {"id":"s-2","model":"mod-b","choices":[{"index":0,"delta":{"content":"two"},"finish_reason":"stop"}]}`),
		[]byte(`data: {"id":"s-3","model":"mod-b","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}`),
		[]byte(`data: [DONE]`), nil}, []byte("\n\n"))}
	client = &http.Client{Transport: instrumentation.NewTransport(sse, instrumentation.WithTracerProvider(tp2))}
	req, _ := http.NewRequest("POST", "https://api.openai.com/v1/chat/completions", strings.NewReader(`{"model":"m","stream":true,"messages":[]}`))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	expectAttrs(t, rec2.Ended()[0], map[string]any{
		"gen_ai.response.id":             "s-1",
		"gen_ai.response.model":          "mod-b",
		"gen_ai.response.finish_reasons": []string{"stop"},
	})
	if v := attrMap(rec2.Ended()[0])["gen_ai.output.messages"].AsString(); !strings.Contains(v, "one two") {
		t.Errorf("output %s", v)
	}
}
