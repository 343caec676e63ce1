package instrumentation

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// fixtureServer is a RoundTripper answering every request with one fixture,
// remembering the request body it was sent.
type fixtureServer struct {
	body        []byte
	contentType string
	sent        []byte
}

func (f *fixtureServer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		f.sent, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {f.contentType}},
		Body:          io.NopCloser(bytes.NewReader(f.body)),
		ContentLength: int64(len(f.body)),
		Request:       r,
	}, nil
}

// TestTransportFixtures drives NewTransport through each API with nothing but
// the OTel SDK (so it runs on this module's Go version; the tests with the
// provider SDKs are in internal/testkit/sdktest): the caller gets the
// fixture's bytes, and the span its identity, usage and valid content JSON.
func TestTransportFixtures(t *testing.T) {
	cases := []struct {
		name, url, request, fixture string
		want                        map[string]any
		sentContains                string // in the request body the server got
	}{
		{
			name: "openai chat", url: "https://api.openai.com/v1/chat/completions", fixture: "openai_chat.json",
			request: `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi <b>&"}],"max_tokens":256}`,
			want: map[string]any{
				"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.request.max_tokens": int64(256),
				"gen_ai.response.id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "gen_ai.response.model": "gpt-4o-2024-08-06",
				"gen_ai.response.finish_reasons": []string{"stop"}, "gen_ai.usage.input_tokens": int64(1200),
				"gen_ai.usage.output_tokens": int64(300), "gen_ai.usage.cache_read.input_tokens": int64(1024),
				"gen_ai.usage.reasoning.output_tokens": int64(192),
				"gen_ai.system_instructions":           `[{"type":"text","content":"Be brief."}]`,
				"gen_ai.input.messages":                `[{"role":"system","parts":[{"type":"text","content":"Be brief."}]},{"role":"user","parts":[{"type":"text","content":"Hi <b>&"}]}]`,
			},
		},
		{
			name: "openai chat stream", url: "https://api.openai.com/v1/chat/completions", fixture: "openai_chat_stream.sse",
			request: `{"model":"gpt-4o-mini", "stream":true ,"messages":[{"role":"user","content":"Hi"}]}`,
			want: map[string]any{
				"gen_ai.request.stream": true, "gen_ai.response.id": "chatcmpl-stream1", "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
				"gen_ai.response.finish_reasons": []string{"stop"}, "gen_ai.usage.input_tokens": int64(2048),
				"gen_ai.usage.output_tokens": int64(120), "gen_ai.usage.cache_read.input_tokens": int64(1536),
				"gen_ai.usage.reasoning.output_tokens": int64(64),
			},
			sentContains: `{"model":"gpt-4o-mini", "stream":true ,"messages":[{"role":"user","content":"Hi"}],"stream_options":{"include_usage":true}}`,
		},
		{
			name: "openai responses", url: "https://api.openai.com/v1/responses", fixture: "openai_responses.json",
			request: `{"model":"o4-mini","input":"Hi","instructions":"Be brief."}`,
			want: map[string]any{
				"gen_ai.response.model": "o4-mini-2025-04-16", "gen_ai.usage.input_tokens": int64(3000),
				"gen_ai.usage.output_tokens": int64(700), "gen_ai.usage.cache_read.input_tokens": int64(2048),
				"gen_ai.usage.reasoning.output_tokens": int64(640), "gen_ai.response.finish_reasons": []string{"stop"},
			},
		},
		{
			name: "anthropic", url: "https://api.anthropic.com/v1/messages", fixture: "anthropic_messages.json",
			request: `{"model":"claude-sonnet-4-5","max_tokens":1024,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}`,
			want: map[string]any{
				"gen_ai.provider.name": "anthropic", "gen_ai.response.finish_reasons": []string{"end_turn"},
				"gen_ai.usage.input_tokens": int64(10050), "gen_ai.usage.output_tokens": int64(400),
				"gen_ai.usage.cache_read.input_tokens": int64(8000), "gen_ai.usage.cache_creation.input_tokens": int64(2000),
			},
		},
		{
			name: "anthropic stream", url: "https://api.anthropic.com/v1/messages", fixture: "anthropic_stream.sse",
			request: `{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hi"}]}`,
			want: map[string]any{
				"gen_ai.response.id": "msg_stream1", "gen_ai.response.finish_reasons": []string{"tool_use"},
				"gen_ai.usage.input_tokens": int64(3025), "gen_ai.usage.output_tokens": int64(89),
				"gen_ai.usage.cache_read.input_tokens": int64(3000), "gen_ai.usage.cache_creation.input_tokens": int64(0),
			},
		},
		{
			name: "gemini", url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent", fixture: "gemini_generate.json",
			request: `{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]}}`,
			want: map[string]any{
				"gen_ai.provider.name": "gcp.gemini", "gen_ai.request.model": "gemini-2.5-flash",
				"gen_ai.response.id": "mCyxaNDcH5mD-sAPjvqcmQI", "gen_ai.response.finish_reasons": []string{"STOP"},
				"gen_ai.usage.input_tokens": int64(5000), "gen_ai.usage.output_tokens": int64(290),
				"gen_ai.usage.cache_read.input_tokens": int64(4096), "gen_ai.usage.reasoning.output_tokens": int64(250),
				"gen_ai.system_instructions": `[{"type":"text","content":"Be brief."}]`,
			},
		},
		{
			name: "gemini stream", url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", fixture: "gemini_stream.sse",
			request: `{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}`,
			want: map[string]any{
				"gen_ai.request.stream": true, "gen_ai.usage.input_tokens": int64(300), "gen_ai.usage.output_tokens": int64(112),
				"gen_ai.usage.reasoning.output_tokens": int64(100), "gen_ai.response.finish_reasons": []string{"STOP"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			ct := "application/json"
			if strings.HasSuffix(tc.fixture, ".sse") {
				ct = "text/event-stream"
			}
			server := &fixtureServer{body: body, contentType: ct}
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			client := &http.Client{Transport: NewTransport(server, WithTracerProvider(tp))}
			resp, err := client.Post(tc.url, "application/json", strings.NewReader(tc.request))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if !bytes.Equal(got, body) {
				t.Fatal("the caller did not get the fixture's bytes")
			}
			want := tc.request
			if tc.sentContains != "" {
				want = tc.sentContains
			}
			if string(server.sent) != want {
				t.Errorf("server got %s, want %s", server.sent, want)
			}
			spans := rec.Ended()
			if len(spans) != 1 {
				t.Fatalf("%d spans", len(spans))
			}
			attrs := map[attribute.Key]attribute.Value{}
			for _, kv := range spans[0].Attributes() {
				attrs[kv.Key] = kv.Value
			}
			for k, w := range tc.want {
				v, ok := attrs[attribute.Key(k)]
				if !ok {
					t.Errorf("%s missing", k)
					continue
				}
				if g := v.AsInterface(); !reflect.DeepEqual(g, w) {
					t.Errorf("%s = %#v, want %#v", k, g, w)
				}
			}
			for _, k := range []attribute.Key{"error.type", CaptureErrorKey} {
				if v, ok := attrs[k]; ok {
					t.Errorf("%s = %v", k, v.AsInterface())
				}
			}
			for _, k := range []attribute.Key{"gen_ai.input.messages", "gen_ai.output.messages"} {
				if !json.Valid([]byte(attrs[k].AsString())) {
					t.Errorf("%s not valid JSON: %s", k, attrs[k].AsString())
				}
			}
		})
	}
}
