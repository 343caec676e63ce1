package custops

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Call is one LLM call read back from its inference span.
type Call struct {
	TraceID  trace.TraceID
	Agent    string
	Provider string
	Model    string
	Usage    pricing.Usage
	Finish   []string
	// System and Input are the recorded gen_ai.system_instructions and
	// gen_ai.input.messages (semconv JSON).
	System, Input string
	Span          sdktrace.ReadOnlySpan
}

// CallFromSpan reads an inference span (chat or generate_content); ok is
// false for every other span.
func CallFromSpan(s sdktrace.ReadOnlySpan) (Call, bool) {
	attrs := attribute.NewSet(s.Attributes()...)
	op, _ := attrs.Value("gen_ai.operation.name")
	if op.AsString() != "chat" && op.AsString() != "generate_content" {
		return Call{}, false
	}
	str := func(k attribute.Key) string { v, _ := attrs.Value(k); return v.AsString() }
	num := func(k attribute.Key) int64 { v, _ := attrs.Value(k); return v.AsInt64() }
	c := Call{TraceID: s.SpanContext().TraceID(), Agent: str("gen_ai.agent.name"), Provider: str("gen_ai.provider.name"),
		Model: str("gen_ai.response.model"), Span: s,
		System: str("gen_ai.system_instructions"), Input: str("gen_ai.input.messages"),
		Usage: pricing.Usage{
			InputTokens: num("gen_ai.usage.input_tokens"), OutputTokens: num("gen_ai.usage.output_tokens"),
			CacheReadTokens: num("gen_ai.usage.cache_read.input_tokens"), CacheWriteTokens: num("gen_ai.usage.cache_creation.input_tokens"),
			ReasoningTokens: num("gen_ai.usage.reasoning.output_tokens"), Time: s.StartTime(),
		}}
	if c.Model == "" {
		c.Model = str("gen_ai.request.model")
	}
	if v, ok := attrs.Value("gen_ai.response.finish_reasons"); ok {
		c.Finish = v.AsStringSlice()
	}
	return c, true
}

// Meter is a span processor that prices every LLM call at list prices as
// its span ends and sums the cost per trace (run).
type Meter struct {
	prices *pricing.Table
	mu     sync.Mutex
	runs   map[trace.TraceID]*RunCost
}

// RunCost is what one run's calls cost.
type RunCost struct {
	Calls    int
	Cost     pricing.USD
	Unpriced int // calls the table has no price for
}

// NewMeter prices with prices (pricing.Default when nil).
func NewMeter(prices *pricing.Table) *Meter {
	if prices == nil {
		prices = pricing.Default()
	}
	return &Meter{prices: prices, runs: map[trace.TraceID]*RunCost{}}
}

// Run returns the cost of the run with trace id.
func (m *Meter) Run(id trace.TraceID) RunCost {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.runs[id]; r != nil {
		return *r
	}
	return RunCost{}
}

// OnEnd prices an ended inference span.
func (m *Meter) OnEnd(s sdktrace.ReadOnlySpan) {
	c, ok := CallFromSpan(s)
	if !ok {
		return
	}
	cost := m.prices.Price(c.Provider, c.Model, c.Usage)
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.runs[c.TraceID]
	if r == nil {
		r = &RunCost{}
		m.runs[c.TraceID] = r
	}
	r.Calls++
	r.Cost += cost.Total
	if cost.Status != pricing.StatusPriced {
		r.Unpriced++
	}
}

// OnStart implements sdktrace.SpanProcessor.
func (m *Meter) OnStart(_ context.Context, _ sdktrace.ReadWriteSpan) {}

// Shutdown implements sdktrace.SpanProcessor.
func (m *Meter) Shutdown(context.Context) error { return nil }

// ForceFlush implements sdktrace.SpanProcessor.
func (m *Meter) ForceFlush(context.Context) error { return nil }
