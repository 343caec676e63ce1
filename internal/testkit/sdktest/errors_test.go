package sdktest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"

	"github.com/openai/openai-go/v3"
)

// TestErrorsPassThrough: for every failure the SDK sees exactly what it sees
// without the transport, and the span has error.type and an error status.
func TestErrorsPassThrough(t *testing.T) {
	jsonErr := func(code int, msg string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"error":{"message":%q,"type":"invalid_request_error","code":null}}`, msg)
		}
	}
	cases := []struct {
		name     string
		handler  http.HandlerFunc
		timeout  time.Duration // http.Client.Timeout
		cancel   time.Duration // context cancel after
		wantType string
	}{
		{"400", jsonErr(400, "Invalid value for 'temperature'"), 0, 0, "400"},
		{"401", jsonErr(401, "Incorrect API key provided"), 0, 0, "401"},
		{"429", jsonErr(429, "Rate limit reached"), 0, 0, "429"},
		{"500", jsonErr(500, "The server had an error"), 0, 0, "500"},
		{"invalid json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"x","choices":[{"index":0,`)
		}, 0, 0, "invalid_response"},
		{"truncated body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "500")
			fmt.Fprint(w, `{"id":"chatcmpl-1","object":"chat.completion",`)
		}, 0, 0, "unexpected_eof"},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Second):
			}
		}, 100 * time.Millisecond, 0, "timeout"},
		{"context cancel", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Second):
			}
		}, 0, 100 * time.Millisecond, "canceled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			call := func(hc *http.Client) (*openai.ChatCompletion, error) {
				hc.Timeout = tc.timeout
				ctx := context.Background()
				if tc.cancel > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					timer := time.AfterFunc(tc.cancel, cancel)
					defer timer.Stop()
				}
				client := openaiClient(&fakeLLM{Server: srv}, hc)
				return client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
					Model: "gpt-4o", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")},
				})
			}
			bareRes, bareErr := call(&http.Client{})
			rec, tp := newTracing()
			hc, _ := instrumentedClient(tp)
			res, err := call(hc)
			// On a client timeout net/http itself races its timer against the
			// context deadline and reports either "context deadline exceeded"
			// or "net/http: request canceled", with or without a suffix, even
			// without this transport: compare the class of those errors.
			norm := func(err error) string {
				s := fmt.Sprint(err)
				if tc.timeout > 0 && (strings.Contains(s, "request canceled") || strings.Contains(s, "deadline exceeded")) {
					return "client timeout"
				}
				return s
			}
			if norm(err) != norm(bareErr) {
				t.Errorf("SDK error differs:\n with: %v\n bare: %v", err, bareErr)
			}
			if (res == nil) != (bareRes == nil) {
				t.Errorf("SDK result differs: %v vs %v", res, bareRes)
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			s := clientSpan(t, rec)
			expectAttrs(t, s, map[string]any{"error.type": tc.wantType})
			if s.Status().Code != codes.Error || s.Status().Description == "" {
				t.Errorf("status %v", s.Status())
			}
		})
	}
}
