package kaizenprocessor

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/metadata"
)

// TestComponentLifecycle is the lifecycle test mdatagen would generate.
func TestComponentLifecycle(t *testing.T) {
	f := NewFactory()
	if f.Type() != metadata.Type || f.TracesStability() != component.StabilityLevelAlpha {
		t.Fatalf("factory %s %s", f.Type(), f.TracesStability())
	}
	cfg := f.CreateDefaultConfig()
	if err := componenttest.CheckConfigStruct(cfg); err != nil {
		t.Fatal(err)
	}
	p, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if !p.Capabilities().MutatesData {
		t.Error("processor mutates data")
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	if err := p.ConsumeTraces(context.Background(), loadFixture(t, "semconv.json")); err != nil {
		t.Fatal(err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	processortest.VerifyShutdown(t, f, cfg)
	if _, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop()); err == nil {
		t.Error("logs should be unsupported")
	}
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id      string
		wantErr string
		check   func(*Config) bool
	}{
		{"kaizen", "", func(c *Config) bool {
			return c.Content.Policy == PolicyKeep && c.KeepOriginalAttributes && len(c.Content.Redaction.Presets) == 4
		}},
		{"kaizen/custom", "", func(c *Config) bool {
			return c.Content.Policy == PolicyTruncate && c.Content.TruncateBytes == 1024 && !c.KeepOriginalAttributes &&
				len(c.Content.Redaction.Presets) == 2 && c.Content.Redaction.Custom[0].Name == "employee_id"
		}},
		{"kaizen/badpolicy", `content.policy "shred" is unknown`, nil},
		{"kaizen/badregex", `content.redaction.custom[0] "broken": bad pattern`, nil},
		{"kaizen/badprices", "price_file: load price table testdata/does_not_exist.yaml", nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			sub, err := cm.Sub(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			cfg := createDefaultConfig()
			if err := sub.Unmarshal(cfg); err != nil {
				t.Fatal(err)
			}
			err = cfg.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				_, cerr := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
				if cerr == nil {
					t.Error("CreateTraces accepted an invalid config")
				}
				return
			}
			if err != nil || !tt.check(cfg) {
				t.Fatalf("config %+v, err %v", cfg, err)
			}
		})
	}
	for name, c := range map[string]*Config{
		"zero truncate": {Content: ContentConfig{Policy: PolicyTruncate}},
		"bad preset":    {Content: ContentConfig{Policy: PolicyKeep, Redaction: RedactionConfig{Presets: []string{"ssn"}}}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// TestPriceFileOverride runs the custom config's negotiated prices end to end.
func TestPriceFileOverride(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.PriceFile = filepath.Join("testdata", "prices_override.yaml")
	out := spansByName(runProcessor(t, cfg, loadFixture(t, "semconv.json")))
	a := out["chat gpt-4o"].Attributes()
	// 600×2.00 + 400×1.00 + 200×8.00 per 1M = $0.0032
	if got, _ := picoAttr(t, a, AttrCostUSD); got != 3_200_000_000 {
		t.Errorf("cost %d", got)
	}
	if v, _ := a.Get(AttrPriceVersion); !strings.HasSuffix(v.Str(), "+acme-2025-10") {
		t.Errorf("version %q", v.Str())
	}
}

func TestOwnTelemetry(t *testing.T) {
	tel := componenttest.NewTelemetry()
	defer func() { _ = tel.Shutdown(context.Background()) }()
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, err := NewFactory().CreateTraces(context.Background(), set, createDefaultConfig(), consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	td := loadFixture(t, "openllmetry.json")
	if err := p.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	if err := p.ConsumeTraces(context.Background(), unknownModelTraces()); err != nil {
		t.Fatal(err)
	}
	sum := func(name string) int64 {
		m, err := tel.GetMetric(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var n int64
		for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
			n += dp.Value
		}
		return n
	}
	if n := sum("otelcol_processor_kaizen_spans_normalized"); n != 5 {
		t.Errorf("normalized %d, want 5", n)
	}
	if n := sum("otelcol_processor_kaizen_spans_priced"); n != 1 {
		t.Errorf("priced %d, want 1", n)
	}
	if n := sum("otelcol_processor_kaizen_spans_unpriced"); n != 1 {
		t.Errorf("unpriced %d, want 1", n)
	}
	if n := sum("otelcol_processor_kaizen_redactions"); n < 2 {
		t.Errorf("redactions %d", n)
	}
}
