package sdktest

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

// chatRequest returns an OpenAI chat request body of exactly size bytes.
func chatRequest(size int, stream bool) []byte {
	head := `{"model":"gpt-4o","temperature":0.2,"max_tokens":512,"messages":[{"role":"system","content":"You are a precise analyst."},{"role":"user","content":"`
	tail := `"}]}`
	if stream {
		tail = `"}],"stream":true}`
	}
	return []byte(head + filler("Summarize the quarterly report for the board. ", size-len(head)-len(tail)) + tail)
}

// chatResponse returns an OpenAI chat response body of exactly size bytes.
func chatResponse(size int) []byte {
	head := `{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"`
	tail := `"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":500,"prompt_tokens_details":{"cached_tokens":512},"completion_tokens_details":{"reasoning_tokens":0}}}`
	return []byte(head + filler("The board should note revenue growth. ", size-len(head)-len(tail)) + tail)
}

// filler repeats text up to exactly n bytes.
func filler(text string, n int) string {
	return strings.Repeat(text, n/len(text)+1)[:n]
}

// benchTransports measures one call through each transport; chunks, when
// not zero, is the number of streamed chunks, to report the cost per chunk.
func benchTransports(b *testing.B, base *memTransport, reqBody []byte, chunks int) {
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
			cpu := float64(cpuTime()-c0) / float64(b.N)
			b.ReportMetric(cpu, "cpu-ns/op")
			if chunks > 0 {
				b.ReportMetric(cpu/float64(chunks), "cpu-ns/chunk")
			}
		})
	}
}

// BenchmarkChat: one non-streaming call, 4 KB request, 2 KB response,
// content capture on.
func BenchmarkChat(b *testing.B) {
	benchTransports(b, &memTransport{body: chatResponse(2048), contentType: "application/json"}, chatRequest(4096, false), 0)
}

// BenchmarkStream200: one streamed call of 200 chunks (and the final usage
// chunk), 4 KB request, content capture on.
func BenchmarkStream200(b *testing.B) {
	benchTransports(b, &memTransport{body: fixture(b, "openai_chat_stream_200.sse"), contentType: "text/event-stream"}, chatRequest(4096, true), 200)
}
