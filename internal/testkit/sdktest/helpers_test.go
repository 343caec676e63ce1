package sdktest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kaizenhq/kaizen/instrumentation"
)

// newTracing returns a span recorder and a provider that feeds it.
func newTracing() (*tracetest.SpanRecorder, *sdktrace.TracerProvider) {
	rec := tracetest.NewSpanRecorder()
	return rec, sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
}

// fixtureDir holds the provider fixtures, kept once beside the parsers they
// describe (whose fuzz targets use them as seeds).
const fixtureDir = "../../../instrumentation/testdata"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// fakeLLM is an httptest server answering every POST with a fixed body, and
// remembering the last request.
type fakeLLM struct {
	*httptest.Server
	mu          sync.Mutex
	lastBody    []byte
	lastHeader  http.Header
	lastURL     string
	status      int
	contentType string
	body        []byte
}

func newFake(t testing.TB, status int, contentType string, body []byte) *fakeLLM {
	f := &fakeLLM{status: status, contentType: contentType, body: body}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.lastBody, f.lastHeader, f.lastURL = b, r.Header.Clone(), r.URL.String()
		f.mu.Unlock()
		w.Header().Set("Content-Type", f.contentType)
		w.WriteHeader(f.status)
		_, _ = w.Write(f.body)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeLLM) request() (body []byte, h http.Header) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastBody, f.lastHeader
}

// tap records the response bytes its caller reads.
type tap struct {
	base http.RoundTripper
	mu   sync.Mutex
	got  bytes.Buffer
}

func (t *tap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	resp.Body = readCloser{io.TeeReader(resp.Body, writerFunc(func(p []byte) (int, error) {
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.got.Write(p)
	})), resp.Body}
	return resp, nil
}

func (t *tap) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.got.Bytes())
}

type readCloser struct {
	io.Reader
	io.Closer
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// instrumentedClient returns an HTTP client through NewTransport whose
// received bytes are recorded by the returned tap.
func instrumentedClient(tp trace.TracerProvider, opts ...instrumentation.Option) (*http.Client, *tap) {
	tp2 := &tap{}
	opts = append([]instrumentation.Option{instrumentation.WithTracerProvider(tp)}, opts...)
	tp2.base = instrumentation.NewTransport(http.DefaultTransport, opts...)
	return &http.Client{Transport: tp2}, tp2
}

// clientSpan returns the only CLIENT span recorded.
func clientSpan(t testing.TB, rec *tracetest.SpanRecorder) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.SpanKind() == trace.SpanKindClient {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want 1 client span, got %d (started %d)", len(found), len(rec.Started()))
	}
	return found[0]
}

func attrMap(s sdktrace.ReadOnlySpan) map[string]attribute.Value {
	m := map[string]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// expectAttrs compares the listed attributes; a nil want means absent.
func expectAttrs(t *testing.T, s sdktrace.ReadOnlySpan, want map[string]any) {
	t.Helper()
	got := attrMap(s)
	for k, w := range want {
		v, ok := got[k]
		if w == nil {
			if ok {
				t.Errorf("%s: want absent, got %v", k, v.String())
			}
			continue
		}
		if !ok {
			t.Errorf("%s: missing (want %v)", k, w)
			continue
		}
		var g any
		switch v.Type() {
		case attribute.INT64:
			g = v.AsInt64()
		case attribute.FLOAT64:
			g = v.AsFloat64()
		case attribute.BOOL:
			g = v.AsBool()
		case attribute.STRINGSLICE:
			g = v.AsStringSlice()
		default:
			g = v.AsString()
		}
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !bytes.Equal(gj, wj) {
			t.Errorf("%s = %s, want %s", k, gj, wj)
		}
	}
}

// jsonAttr decodes a JSON string attribute.
func jsonAttr(t *testing.T, s sdktrace.ReadOnlySpan, key string) any {
	t.Helper()
	v, ok := attrMap(s)[key]
	if !ok {
		t.Fatalf("%s missing", key)
	}
	var out any
	if err := json.Unmarshal([]byte(v.AsString()), &out); err != nil {
		t.Fatalf("%s is not JSON: %v: %s", key, err, v.AsString())
	}
	return out
}

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func instrumentationWithStreamUsage(on bool) instrumentation.Option {
	return instrumentation.WithStreamUsage(on)
}
