package instrumentation_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/kaizenhq/kaizen/instrumentation"
)

// memTransport is the in-process fake LLM server of the benchmarks: it
// answers every request with a fixed body, without network, so that the
// measured difference is the cost added by each wrapper.
type memTransport struct {
	body        []byte
	contentType string
}

func (m *memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {m.contentType}},
		Body:          io.NopCloser(bytes.NewReader(m.body)),
		ContentLength: int64(len(m.body)),
		Request:       r,
	}, nil
}

// chatRequest returns an OpenAI chat request body of about size bytes.
func chatRequest(size int, stream bool) []byte {
	filler := strings.Repeat("Summarize the quarterly report for the board. ", size/48)
	s := `{"model":"gpt-4o","temperature":0.2,"max_tokens":512,"messages":[{"role":"system","content":"You are a precise analyst."},{"role":"user","content":"` + filler + `"}]`
	if stream {
		s += `,"stream":true`
	}
	return []byte(s + "}")
}

// chatResponse returns an OpenAI chat response of about size bytes.
func chatResponse(size int) []byte {
	text := strings.Repeat("The board should note revenue growth. ", size/38)
	return []byte(`{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"` + text + `"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":500,"prompt_tokens_details":{"cached_tokens":512},"completion_tokens_details":{"reasoning_tokens":0}}}`)
}

func benchTransports(b *testing.B, base *memTransport, reqBody []byte) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	cases := []struct {
		name string
		rt   http.RoundTripper
	}{
		{"bare", base},
		{"otelhttp", otelhttp.NewTransport(base, otelhttp.WithTracerProvider(tp))},
		{"kaizen", instrumentation.NewTransport(base, instrumentation.WithTracerProvider(tp))},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			client := &http.Client{Transport: tc.rt}
			b.ReportAllocs()
			b.SetBytes(int64(len(reqBody) + len(base.body)))
			// Wall-clock ns/op suffers on a shared machine; the process CPU
			// time per call (GC included) is the steadier number.
			c0 := cpuTime()
			for b.Loop() {
				req, _ := http.NewRequest("POST", "https://api.openai.com/v1/chat/completions", bytes.NewReader(reqBody))
				req.Header.Set("Authorization", "Bearer sk-bench")
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkChat: one non-streaming call, 4 KB request, 2 KB response,
// content capture on.
func BenchmarkChat(b *testing.B) {
	benchTransports(b, &memTransport{body: chatResponse(2048), contentType: "application/json"}, chatRequest(4096, false))
}

// BenchmarkStream200: one streamed call of 200 chunks.
func BenchmarkStream200(b *testing.B) {
	benchTransports(b, &memTransport{body: fixture(b, "openai_chat_stream_200.sse"), contentType: "text/event-stream"}, chatRequest(4096, true))
}
