package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
)

// kaizen runs the command line in-process.
func kaizen(t *testing.T, dsn string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	cfg := Config{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == EnvDSN {
			return dsn
		}
		return ""
	}, GeminiOptions: []gemini.Option{gemini.WithRetry(3, 10*time.Millisecond, time.Second)}}
	code = Main(context.Background(), args, cfg)
	return out.String(), errb.String(), code
}

// noGemini clears every Gemini credential so the run is offline.
func noGemini(t *testing.T) {
	for _, k := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_GEMINI_BASE_URL"} {
		t.Setenv(k, "")
	}
}

// withGemini points the real genai client at a fake server.
func withGemini(t *testing.T, replies ...geminitest.Reply) *geminitest.Server {
	noGemini(t)
	srv := geminitest.New(t, replies...)
	t.Setenv("GEMINI_API_KEY", "test-key")
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	return srv
}

func TestArgumentErrorsNeverQuery(t *testing.T) {
	noGemini(t)
	var hits atomic.Int64
	ch := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer ch.Close()
	dsn := ch.URL + "/kaizen"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze"}, "expected one trace id"},
		{[]string{"analyze", "a", "b"}, "expected one trace id"},
		{[]string{"analyze", "not-a-trace"}, "invalid trace id"},
		{[]string{"analyze", "4bf92f3577b34da6a3ce929d0e0e473z"}, "not hexadecimal"},
		{[]string{"show", "4bf92f35"}, "want 32 hexadecimal digits"},
		{[]string{"what-if", "4bf92f3577b34da6a3ce929d0e0e4736"}, "exactly one of --model, --cache or --batch"},
		{[]string{"what-if", "4bf92f3577b34da6a3ce929d0e0e4736", "--cache", "--batch"}, "exactly one of"},
		{[]string{"what-if", "4bf92f3577b34da6a3ce929d0e0e4736", "--model", "gpt-9-ultra"}, "not in the price table"},
		{[]string{"what-if", "xyz", "--batch"}, "invalid trace id"},
		{[]string{"analyze", "4bf92f3577b34da6a3ce929d0e0e4736", "--max-waste-pct", "250"}, "between 0 and 100"},
		{[]string{"analyze", "4bf92f3577b34da6a3ce929d0e0e4736", "--max-waste-usd", "1e3"}, "--max-waste-usd"},
		{[]string{"traces", "--since", "yesterday"}, "--since"},
		{[]string{"traces", "--limit", "0"}, "--limit"},
		{[]string{"traces", "extra"}, "no arguments"},
		{[]string{"traces", "--format", "xml"}, "unknown format"},
		{[]string{"analyze", "--bogus"}, "unknown flag"},
	} {
		_, stderr, code := kaizen(t, dsn, tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("argument errors sent %d requests to ClickHouse", n)
	}
}

func TestClickHouseUnreachable(t *testing.T) {
	noGemini(t)
	_, stderr, code := kaizen(t, "http://reader:hunter2@127.0.0.1:1/kaizen", "show", "4bf92f3577b34da6a3ce929d0e0e4736")
	if code != ExitError || !strings.Contains(stderr, "nothing answers at http://reader:xxxxx@127.0.0.1:1/kaizen") || strings.Contains(stderr, "hunter2") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestUnknownTrace(t *testing.T) {
	noGemini(t)
	dsn := storetest.NewDatabase(t)
	for _, cmd := range []string{"show", "analyze"} {
		_, stderr, code := kaizen(t, dsn, cmd, "0123456789ABCDEF0123456789abcdef")
		if code != ExitError || !strings.Contains(stderr, "trace 0123456789abcdef0123456789abcdef not found") {
			t.Errorf("%s: exit %d: %s", cmd, code, stderr)
		}
	}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, s)
	}
	return v
}

func TestVersionAndUsageExitCodes(t *testing.T) {
	noGemini(t)
	stdout, _, code := kaizen(t, "http://127.0.0.1:1/kaizen", "--version")
	if code != ExitOK || !strings.Contains(stdout, "kaizen version ") || !strings.Contains(stdout, "analyzer ") {
		t.Errorf("--version: exit %d %q", code, stdout)
	}
	for _, args := range [][]string{{"frobnicate"}, {"--bogus"}, {"traces", "--limit", "x"}} {
		_, stderr, code := kaizen(t, "http://127.0.0.1:1/kaizen", args...)
		if code != ExitUsage || !strings.Contains(stderr, "Run 'kaizen") || strings.Contains(stderr, "kaizen  --help") {
			t.Errorf("%v: exit %d %q, want %d with a usage hint", args, code, stderr, ExitUsage)
		}
	}
}
