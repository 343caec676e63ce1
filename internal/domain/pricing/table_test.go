package pricing

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestEmbeddedTable(t *testing.T) {
	tb := Default()
	if !strings.HasPrefix(tb.Version(), "@pydantic/genai-prices@") || !strings.Contains(tb.Version(), "+kaizen.") {
		t.Fatalf("version %q", tb.Version())
	}
	provs := tb.Providers()
	for _, want := range []string{"openai", "anthropic", "google", "azure", "aws", "x-ai", "mistral", "deepseek", "groq", "together", "fireworks", "openrouter"} {
		if !slices.Contains(provs, want) {
			t.Errorf("provider %s missing from %v", want, provs)
		}
	}
	models := tb.Models("")
	if len(models) < 1250 || len(provs) < 40 {
		t.Errorf("%d models of %d providers, want at least 1,250 of 40", len(models), len(provs))
	}
	notSelf := 0
	for _, m := range models {
		if !strings.HasPrefix(m.Source, "https://") {
			t.Errorf("%s: source %q", m.ID(), m.Source)
		}
		if got, ok := tb.Resolve(m.Provider, m.Name); !ok || got != m {
			notSelf++ // genai-prices ids need not match their own rule (e.g. display casing)
		}
	}
	if notSelf > len(models)/20 {
		t.Errorf("%d of %d models do not resolve by their own id", notSelf, len(models))
	}
}

func TestUSD(t *testing.T) {
	tests := []struct {
		in   string
		want USD
		str  string
	}{
		{"2.50", 2_500_000_000_000, "2.5"}, {"0.000000000001", 1, "0.000000000001"}, {"3", 3 * Dollar, "3"},
		{"-0.5", -Dollar / 2, "-0.5"}, {"0.0375", 37_500_000_000, "0.0375"}, {".5", Dollar / 2, "0.5"},
	}
	for _, tt := range tests {
		got, err := ParseUSD(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseUSD(%q) = %d (%s), %v; want %d (%s)", tt.in, got, got, err, tt.want, tt.str)
		}
		if back, ok := FromFloat64(got.Float64()); !ok || back != got {
			t.Errorf("float round trip of %s gave %s", got, back)
		}
	}
	for _, bad := range []string{"", "1e5", "1,5", "$1", "0.0000000000001", "99999999999", "-", "."} {
		if _, err := ParseUSD(bad); err == nil {
			t.Errorf("ParseUSD(%q) accepted", bad)
		}
	}
	if _, err := ParsePerMillion("0.0000001"); err == nil {
		t.Error("7 decimals per million accepted")
	}
	if got := scale(3, 500_000, fractionDen); got != 2 {
		t.Errorf("half-up rounding: %d", got)
	}
	// Every pico amount below 2^50 (about $1,125) survives float64.
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		p := r.Int64N(1 << 50)
		if i < 3 {
			p = []int64{1, 123456789, 1<<50 - 1}[i]
		}
		if back, _ := FromFloat64(USD(p).Float64()); int64(back) != p || math.IsNaN(USD(p).Float64()) {
			t.Fatalf("%d -> %d", p, back)
		}
	}
}

func TestLoadOverride(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.yaml")
	data := `version: acme-1
providers:
  - name: openai
    models:
      - {name: gpt-4o, effective: 2025-10-01, source: contract, input: "2.00", output: "8.00"}
  - name: acme
    aliases: [acme.llm]
    models:
      - {name: acme-large, effective: 2025-10-01, source: internal, input: "1.00", output: "2.00"}
`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	tb, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Version() != Default().Version()+"+acme-1" {
		t.Errorf("version %s", tb.Version())
	}
	if c := tb.Price("openai", "gpt-4o-2024-08-06", Usage{InputTokens: 1e6}); c.Total != 2*Dollar {
		t.Errorf("override not applied: %s", c.Total)
	}
	if c := tb.Price("acme.llm", "acme-large", Usage{InputTokens: 1e6, OutputTokens: 1e6}); c.Total != 3*Dollar {
		t.Errorf("extension: %s %s", c.Total, c.Reason)
	}
	if c := tb.Price("openai", "gpt-4o-mini", Usage{InputTokens: 1e6}); c.Total != Dollar*15/100 {
		t.Errorf("built-in lost: %s", c.Total)
	}
	if c := Default().Price("openai", "gpt-4o", Usage{InputTokens: 1e6}); c.Total != Dollar*5/2 {
		t.Errorf("default mutated: %s", c.Total)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{
		"no version":    "providers: []\n",
		"bad price":     "version: x\nproviders:\n  - name: a\n    models:\n      - {name: m, effective: 2025-01-01, source: s, input: abc, output: '1'}\n",
		"bad date":      "version: x\nproviders:\n  - name: a\n    models:\n      - {name: m, effective: soon, source: s, input: '1', output: '1'}\n",
		"no source":     "version: x\nproviders:\n  - name: a\n    models:\n      - {name: m, effective: 2025-01-01, input: '1', output: '1'}\n",
		"unknown field": "version: x\nproviders:\n  - name: a\n    models:\n      - {name: m, effective: 2025-01-01, source: s, inptu: '1'}\n",
		"duplicate":     "version: x\nproviders:\n  - name: a\n    models:\n      - {name: m, effective: 2025-01-01, source: s, input: '1', output: '1'}\n      - {name: m, effective: 2025-01-01, source: s, input: '1', output: '1'}\n",
		"not yaml":      "{{{",
	}
	for name, data := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v should name the file", name, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file accepted")
	}
}
