package kaizenprocessor

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/metadata"
)

// loadFixture reads an OTLP/JSON traces file from testdata.
func loadFixture(t testing.TB, name string) ptrace.Traces {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var u ptrace.JSONUnmarshaler
	td, err := u.UnmarshalTraces(data)
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return td
}

// runProcessor pushes td through a real processor built by the factory and
// returns what reached the next consumer.
func runProcessor(t testing.TB, cfg *Config, td ptrace.Traces) ptrace.Traces {
	t.Helper()
	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	if err := p.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	all := sink.AllTraces()
	if len(all) != 1 {
		t.Fatalf("got %d batches, want 1", len(all))
	}
	return all[0]
}

// spansByName indexes the spans of td by name.
func spansByName(td ptrace.Traces) map[string]ptrace.Span {
	out := map[string]ptrace.Span{}
	forEachSpan(td, func(s ptrace.Span) { out[s.Name()] = s })
	return out
}

// picoAttr reads a kaizen.cost.* double and returns the exact pico-dollars.
func picoAttr(t *testing.T, attrs pcommon.Map, key string) (int64, bool) {
	t.Helper()
	v, ok := attrs.Get(key)
	if !ok {
		return 0, false
	}
	if v.Type() != pcommon.ValueTypeDouble {
		t.Fatalf("%s has type %s, want Double", key, v.Type())
	}
	return int64(math.Round(v.Double() * 1e12)), true
}
