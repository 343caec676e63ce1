package kaizenprocessor

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/metadata"
)

// genaiData returns the embedded genai-prices data with gpt-4o-mini's
// input price set to inputMtok and the source renamed, keeping providers
// (all of them, or only the first n).
func genaiData(t *testing.T, source string, inputMtok float64, n int) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "internal", "domain", "pricing", "genaiprices.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	f["source"] = source
	providers := f["providers"].([]any)
	for _, p := range providers {
		if p.(map[string]any)["id"] != "openai" {
			continue
		}
		for _, m := range p.(map[string]any)["models"].([]any) {
			if m := m.(map[string]any); m["id"] == "gpt-4o-mini" {
				m["prices"] = map[string]any{"input_mtok": inputMtok, "output_mtok": 0.6}
			}
		}
	}
	if n > 0 {
		f["providers"] = providers[:n]
	}
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func miniSpan() ptrace.Traces {
	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName("chat gpt-4o-mini")
	a := s.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o-mini")
	a.PutInt("gen_ai.usage.input_tokens", 1_000_000)
	a.PutInt("gen_ai.usage.output_tokens", 0)
	return td
}

func costOf(t *testing.T, td ptrace.Traces) (string, string) {
	t.Helper()
	a := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	cost, _ := a.Get(AttrCostUSD)
	ver, _ := a.Get(AttrPriceVersion)
	return strings.TrimRight(strings.TrimRight(cost.AsString(), "0"), "."), ver.Str()
}

func TestPricesFromGenAIFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.json")
	if err := os.WriteFile(path, genaiData(t, "test@1", 1.5, 0), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig()
	cfg.Prices.GenAIFile = path
	cost, ver := costOf(t, runProcessor(t, cfg, miniSpan()))
	if cost != "1.5" || !strings.HasPrefix(ver, "test@1+kaizen.") {
		t.Errorf("cost %s version %s, want 1.5 from test@1", cost, ver)
	}
}

// TestPricesRefreshFromURL: the URL is fetched at start and its table
// replaces the embedded one; a later answer that is not a valid table,
// or a table much smaller than the active one, leaves it in place.
func TestPricesRefreshFromURL(t *testing.T) {
	var body atomic.Value
	body.Store(genaiData(t, "test@2", 2.5, 0))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(body.Load().([]byte))
	}))
	defer srv.Close()
	cfg := createDefaultConfig()
	cfg.Prices.URL = srv.URL + "/data.json"
	p, err := newKaizenProcessor(processortest.NewNopSettings(metadata.Type), cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.refresh.start()
	defer p.refresh.shutdown()
	price := func() (string, string) {
		td, err := p.processTraces(context.Background(), miniSpan())
		if err != nil {
			t.Fatal(err)
		}
		return costOf(t, td)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if cost, ver := price(); cost == "2.5" && strings.HasPrefix(ver, "test@2+") {
			break
		}
		if time.Now().After(deadline) {
			cost, ver := price()
			t.Fatalf("after 10 s: cost %s version %s, want the fetched table", cost, ver)
		}
	}
	r := p.refresh
	for _, bad := range [][]byte{[]byte("<html>rate limited</html>"), genaiData(t, "test@3", 9, 1)} {
		body.Store(bad)
		if err := r.reload(context.Background()); err == nil {
			t.Errorf("reload of %.40q accepted", bad)
		}
		if cost, ver := price(); cost != "2.5" || !strings.HasPrefix(ver, "test@2+") {
			t.Errorf("after a bad reload: cost %s version %s", cost, ver)
		}
	}
}

func TestPricesConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		p    PricesConfig
		want string
	}{
		{PricesConfig{URL: "https://example.com/data.json"}, ""},
		{PricesConfig{GenAIFile: "x.json", RefreshInterval: time.Hour}, ""},
		{PricesConfig{URL: "ftp://example.com/x"}, "want an http(s) URL"},
		{PricesConfig{URL: "https://example.com/x", GenAIFile: "x.json"}, "not both"},
		{PricesConfig{URL: "https://example.com/x", RefreshInterval: time.Second}, "at least 1m0s"},
	} {
		err := tc.p.validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.p, err, tc.want)
		}
	}
	cfg := createDefaultConfig()
	cfg.Prices.GenAIFile = filepath.Join(t.TempDir(), "missing.json")
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "prices.genai_file") {
		t.Errorf("missing file: %v", err)
	}
	if got := (PricesConfig{URL: "https://x"}).interval(); got != 24*time.Hour {
		t.Errorf("default URL interval %s", got)
	}
}
