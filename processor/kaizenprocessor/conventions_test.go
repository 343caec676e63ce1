package kaizenprocessor

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// TestThirdPartyConventions: streamed calls of every dialect are marked
// gen_ai.request.stream (usage reported or not), and OpenLIT Go's cache
// read count becomes the canonical one.
func TestThirdPartyConventions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		attrs  map[string]any
		stream bool
		cached int64
	}{
		{"openllmetry streaming, no usage", map[string]any{"llm.request.type": "chat", "gen_ai.system": "openai",
			"gen_ai.request.model": "gpt-4o", "llm.is_streaming": true}, true, 0},
		{"openinference stream parameter", map[string]any{"openinference.span.kind": "LLM", "llm.model_name": "gpt-4o",
			"llm.invocation_parameters": `{"temperature": 0, "stream": true}`, "llm.token_count.prompt": int64(10)}, true, 0},
		{"openinference without stream", map[string]any{"openinference.span.kind": "LLM", "llm.model_name": "gpt-4o",
			"llm.invocation_parameters": `{"stream": false, "note": "stream"}`}, false, 0},
		{"openlit is_stream", map[string]any{"gen_ai.operation.name": "chat", "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o",
			"gen_ai.request.is_stream": true, "gen_ai.application_name": "app"}, true, 0},
		{"openlit go cache read", map[string]any{"gen_ai.operation.name": "chat", "gen_ai.system": "anthropic",
			"gen_ai.request.model": "claude-sonnet-4-5", "gen_ai.usage.input_tokens": int64(2000), "gen_ai.usage.output_tokens": int64(10),
			"gen_ai.usage.cache.read_input_tokens": int64(1500), "gen_ai.application_name": "app"}, false, 1500},
		{"semconv not streamed", map[string]any{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
			"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": int64(5)}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			td := ptrace.NewTraces()
			s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
			s.SetName(tc.name)
			if err := s.Attributes().FromRaw(tc.attrs); err != nil {
				t.Fatal(err)
			}
			out := runProcessor(t, createDefaultConfig(), td).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
			v, ok := out.Get("gen_ai.request.stream")
			if got := ok && v.Bool(); got != tc.stream {
				t.Errorf("gen_ai.request.stream = %v, want %v (%v)", got, tc.stream, out.AsRaw())
			}
			if tc.cached > 0 {
				if v, ok := out.Get("gen_ai.usage.cache_read.input_tokens"); !ok || v.Int() != tc.cached {
					t.Errorf("cache read %v, want %d", out.AsRaw(), tc.cached)
				}
			}
		})
	}
}

// TestReportedCost: an instrumentation's own cost is kept beside Kaizen's
// and flagged when they differ by more than 1 %.
func TestReportedCost(t *testing.T) {
	// gpt-4o-mini at $0.15/$0.60 per million: 1M input tokens cost $0.15.
	base := map[string]any{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini",
		"gen_ai.usage.input_tokens": int64(1_000_000), "gen_ai.usage.output_tokens": int64(0)}
	for _, tc := range []struct {
		name     string
		extra    map[string]any
		reported float64 // 0: none
		differs  bool
	}{
		{"openlit agrees", map[string]any{"gen_ai.usage.cost": 0.1505}, 0.1505, false},
		{"openlit differs", map[string]any{"gen_ai.usage.cost": 0.30}, 0.30, true},
		{"openinference string", map[string]any{"llm.cost.total": "0.15"}, 0.15, false},
		{"negative is ignored", map[string]any{"gen_ai.usage.cost": -1.0}, 0, false},
		{"unpriced model keeps the figure, unflagged", map[string]any{"gen_ai.request.model": "inhouse-7b", "gen_ai.usage.cost": 0.01}, 0.01, false},
		{"none", nil, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := map[string]any{}
			for k, v := range base {
				raw[k] = v
			}
			for k, v := range tc.extra {
				raw[k] = v
			}
			td := ptrace.NewTraces()
			s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
			if err := s.Attributes().FromRaw(raw); err != nil {
				t.Fatal(err)
			}
			out := runProcessor(t, createDefaultConfig(), td).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
			if p, ok := out.Get(genai.CostPico); tc.name != "unpriced model keeps the figure, unflagged" && (!ok || p.Int() != 150_000_000_000) {
				t.Errorf("%s = %v, want the exact 150000000000 pico-dollars", genai.CostPico, p.AsRaw())
			}
			v, ok := out.Get(AttrCostReported)
			if (tc.reported != 0) != ok || (ok && v.Double() != tc.reported) {
				t.Errorf("%s = %v (present %v), want %v", AttrCostReported, v.AsRaw(), ok, tc.reported)
			}
			d, ok := out.Get(AttrCostDiffers)
			if got := ok && d.Bool(); got != tc.differs {
				t.Errorf("%s = %v, want %v", AttrCostDiffers, got, tc.differs)
			}
		})
	}
}

// TestRequestModelFromSnapshot: a call that reports only the answering
// snapshot is grouped under the model the snapshot names.
func TestRequestModelFromSnapshot(t *testing.T) {
	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	if err := s.Attributes().FromRaw(map[string]any{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
		"gen_ai.response.model": "gpt-4o-mini-2024-07-18", "gen_ai.usage.input_tokens": int64(10), "gen_ai.usage.output_tokens": int64(1)}); err != nil {
		t.Fatal(err)
	}
	out := runProcessor(t, createDefaultConfig(), td).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	if v, _ := out.Get("gen_ai.request.model"); v.Str() != "gpt-4o-mini" {
		t.Errorf("gen_ai.request.model %q, want gpt-4o-mini", v.Str())
	}
}
