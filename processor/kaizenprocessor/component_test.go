package kaizenprocessor

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
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

// TestPricedAtCallTime: a call is priced at the price in force when its span
// started (o3's price was cut on 2025-06-10), and a span without a start
// time at today's.
func TestPricedAtCallTime(t *testing.T) {
	for _, tt := range []struct {
		name  string
		start time.Time
		want  int64 // pico-dollars for 1,000 input and 100 output tokens
	}{
		{"before the cut", time.Date(2025, 6, 9, 23, 59, 59, 0, time.UTC), 14_000_000_000},
		{"on the day of the cut", time.Date(2025, 6, 10, 0, 0, 0, 0, time.UTC), 2_800_000_000},
		{"no start time", time.Time{}, 2_800_000_000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			td := ptrace.NewTraces()
			span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
			span.SetName("chat o3")
			if !tt.start.IsZero() {
				span.SetStartTimestamp(pcommon.NewTimestampFromTime(tt.start))
				span.SetEndTimestamp(pcommon.NewTimestampFromTime(tt.start.Add(time.Second)))
			}
			a := span.Attributes()
			a.PutStr("gen_ai.operation.name", "chat")
			a.PutStr("gen_ai.provider.name", "openai")
			a.PutStr("gen_ai.request.model", "o3")
			a.PutInt("gen_ai.usage.input_tokens", 1000)
			a.PutInt("gen_ai.usage.output_tokens", 100)
			out := spansByName(runProcessor(t, createDefaultConfig(), td))
			if got, _ := picoAttr(t, out["chat o3"].Attributes(), AttrCostUSD); got != tt.want {
				t.Errorf("cost = %d pico-USD, want %d", got, tt.want)
			}
		})
	}
}
