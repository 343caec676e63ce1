package e2e

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// fixtureCalls are the LLM calls in processor/testdata's dialect fixtures
// (OTel GenAI semconv, older semconv, OpenLLMetry, OpenInference, OpenLIT,
// Vercel AI SDK), read off the fixture files: the normalized provider and
// model, the usage in semconv terms, and the workflow and agent the
// exporter resolves from the span or its ancestors.
var fixtureCalls = map[string][]Call{
	"semconv.json": {
		{SpanKey: SpanKey{SpanID: "0000000000000002"}, Agent: "planner", Provider: "openai", Model: "gpt-4o-2024-08-06",
			Usage: pricing.Usage{InputTokens: 1000, OutputTokens: 200, CacheReadTokens: 400}},
		{SpanKey: SpanKey{SpanID: "0000000000000003"}, Agent: "planner", Provider: "anthropic", Model: "claude-sonnet-4-5",
			Usage: pricing.Usage{InputTokens: 3000, OutputTokens: 500, CacheWriteTokens: 1000}},
	},
	"semconv_legacy.json": {
		{SpanKey: SpanKey{SpanID: "0000000000000011"}, Provider: "openai", Model: "gpt-4o-mini",
			Usage: pricing.Usage{InputTokens: 1200, OutputTokens: 300}},
		{SpanKey: SpanKey{SpanID: "0000000000000012"}, Provider: "anthropic", Model: "claude-3-5-haiku-20241022",
			Usage: pricing.Usage{InputTokens: 100, OutputTokens: 50}},
	},
	"openllmetry.json": {
		{SpanKey: SpanKey{SpanID: "0000000000000023"}, Workflow: "research", Agent: "writer", Provider: "anthropic", Model: "claude-3-5-sonnet-20241022",
			Usage: pricing.Usage{InputTokens: 2000, OutputTokens: 100, CacheReadTokens: 1500}},
	},
	"openinference.json": {
		{SpanKey: SpanKey{SpanID: "0000000000000032"}, Agent: "support-agent", Provider: "openai", Model: "o3-mini-2025-01-31",
			Usage: pricing.Usage{InputTokens: 5000, OutputTokens: 2000, CacheReadTokens: 1000, ReasoningTokens: 1500}},
	},
	"openlit.json": {
		{SpanKey: SpanKey{SpanID: "0000000000000041"}, Provider: "mistral_ai", Model: "mistral-large-2411",
			Usage: pricing.Usage{InputTokens: 10000, OutputTokens: 2000}},
		{SpanKey: SpanKey{SpanID: "0000000000000042"}, Provider: "openai", Model: "text-embedding-3-small",
			Usage: pricing.Usage{InputTokens: 8000}},
	},
	"vercel_ai.json": {
		{SpanKey: SpanKey{SpanID: "0000000000000052"}, Agent: "support-bot", Provider: "openai", Model: "gpt-4.1-2025-04-14",
			Usage: pricing.Usage{InputTokens: 3000, OutputTokens: 400}},
	},
}

// Fixture is one dialect fixture and what it must leave in ClickHouse.
type Fixture struct {
	Name   string
	Traces ptrace.Traces
	Expect Expect
}

// LoadFixtures reads the dialect fixtures from dir (processor/testdata).
// The fixtures share one trace id (and a "GET /health" span id): each gets
// its own trace id here, derived from the original and seed, so every span
// is distinct in the store and runs with different seeds do not collide.
func LoadFixtures(dir string, seed byte) ([]Fixture, error) {
	var out []Fixture
	var idx byte
	for _, name := range slices.Sorted(maps.Keys(fixtureCalls)) {
		calls := fixtureCalls[name]
		idx++
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read fixture: %w", err)
		}
		var u ptrace.JSONUnmarshaler
		td, err := u.UnmarshalTraces(data)
		if err != nil {
			return nil, fmt.Errorf("fixture %s: %w", name, err)
		}
		f := Fixture{Name: name, Traces: td, Expect: Expect{Spans: map[SpanKey]bool{}}}
		traceOf := map[string]string{}
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					tid := s.TraceID()
					tid[0], tid[1] = seed, idx
					s.SetTraceID(tid)
					k := SpanKey{s.TraceID().String(), s.SpanID().String()}
					f.Expect.Spans[k] = true
					traceOf[k.SpanID] = k.TraceID
				}
			}
		}
		for _, c := range calls {
			c.TraceID = traceOf[c.SpanID]
			if c.TraceID == "" {
				return nil, fmt.Errorf("fixture %s: no span %s", name, c.SpanID)
			}
			f.Expect.Calls = append(f.Expect.Calls, c)
		}
		out = append(out, f)
	}
	return out, nil
}
