package custops

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kaizenhq/kaizen/examples/fakellm"
	"github.com/kaizenhq/kaizen/examples/triage"
	"github.com/kaizenhq/kaizen/instrumentation"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

var runOnce = map[Variant]*struct {
	once  sync.Once
	res   Result
	calls []Call
	err   error
}{VariantWasteful: {}, VariantOptimized: {}}

// recorded runs variant v once against a fresh fake server, recording its
// spans, and returns its calls in the order they ended.
func recorded(t *testing.T, v Variant) (Result, []Call) {
	t.Helper()
	r := runOnce[v]
	r.once.Do(func() {
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		srv := httptest.NewServer(fakellm.New(nil))
		defer srv.Close()
		ctx := context.Background()
		otel.SetTracerProvider(tp) // the workflow's own spans use the global provider
		c, err := triage.NewClients(ctx, srv.URL, instrumentation.WithTracerProvider(tp))
		if err != nil {
			r.err = err
			return
		}
		if r.res, r.err = Run(ctx, c, v); r.err != nil {
			return
		}
		for _, s := range rec.Ended() {
			if c, ok := CallFromSpan(s); ok {
				r.calls = append(r.calls, c)
			}
		}
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.res, r.calls
}

func TestCallsAndCosts(t *testing.T) {
	tests := []struct {
		v          Variant
		target     float64
		tolerance  float64
		minC, maxC int
	}{
		{VariantWasteful, 3.40, 0.10, 50, 100},
		{VariantOptimized, 1.00, 0.15, 50, 100},
	}
	for _, tt := range tests {
		t.Run(string(tt.v), func(t *testing.T) {
			res, calls := recorded(t, tt.v)
			if n := len(calls); n < tt.minC || n > tt.maxC {
				t.Errorf("%d calls, want %d–%d", n, tt.minC, tt.maxC)
			}
			var total pricing.USD
			providers := map[string]bool{}
			for _, c := range calls {
				if c.TraceID != res.TraceID {
					t.Errorf("call in trace %s, want %s", c.TraceID, res.TraceID)
				}
				cost := pricing.Default().Price(c.Provider, c.Model, c.Usage)
				if cost.Status != pricing.StatusPriced {
					t.Errorf("%s %s not priced: %s", c.Provider, c.Model, cost.Reason)
				}
				total += cost.Total
				providers[c.Provider] = true
			}
			if got := total.Float64(); got < tt.target*(1-tt.tolerance) || got > tt.target*(1+tt.tolerance) {
				t.Errorf("cost = $%.4f, want $%.2f ± %.0f %%", got, tt.target, tt.tolerance*100)
			}
			if len(providers) != 3 {
				t.Errorf("providers = %v", providers)
			}
			if len(res.Replies) != len(Tickets) {
				t.Errorf("%d replies for %d tickets", len(res.Replies), len(Tickets))
			}
			t.Logf("%s: %d calls, $%.4f", tt.v, len(calls), total.Float64())
		})
	}
}

func byAgent(calls []Call, agent string) []Call {
	var out []Call
	for _, c := range calls {
		if c.Agent == agent {
			out = append(out, c)
		}
	}
	return out
}

// messages counts the recorded input messages of a call.
func messages(t *testing.T, c Call) int {
	var msgs []json.RawMessage
	if err := json.Unmarshal([]byte(c.Input), &msgs); err != nil {
		t.Fatalf("input messages of %s: %v", c.Agent, err)
	}
	return len(msgs)
}

var stamp = regexp.MustCompile(`Current time: [0-9T:.Z-]+`)

// unstamped drops the writer's timestamp, which differs between attempts.
func unstamped(s string) string { return stamp.ReplaceAllString(s, "") }

// TestPlantedWaste checks each planted waste is in the wasteful run's
// recorded calls and not in the optimized run's.
func TestPlantedWaste(t *testing.T) {
	tests := []struct {
		name    string
		present func(t *testing.T, calls []Call) bool
	}{
		{"frontier model classifies", func(t *testing.T, calls []Call) bool {
			return slices.ContainsFunc(byAgent(calls, "router"), func(c Call) bool { return c.Model == "gpt-4o" })
		}},
		{"frontier model translates", func(t *testing.T, calls []Call) bool {
			return slices.ContainsFunc(byAgent(calls, "translator"), func(c Call) bool { return c.Model == "gemini-2.5-pro" })
		}},
		{"knowledge-base question asked twice in other words", func(t *testing.T, calls []Call) bool {
			rs := byAgent(calls, "researcher")
			for i := 1; i < len(rs); i++ {
				if rs[i].Input != rs[i-1].Input && strings.Contains(rs[i].Input, "Quick question again") &&
					strings.Contains(rs[i-1].Input, "Question: what do the articles say") {
					return true
				}
			}
			return false
		}},
		{"catalog pasted into the reviewer's request", func(t *testing.T, calls []Call) bool {
			return slices.ContainsFunc(byAgent(calls, "reviewer"), func(c Call) bool { return strings.Contains(c.Input, "PRODUCT CATALOG") })
		}},
		{"static system prompt re-sent uncached", func(t *testing.T, calls []Call) bool {
			rs := byAgent(calls, "researcher")
			return len(rs) > 1 && !slices.ContainsFunc(rs[1:], func(c Call) bool { return c.Usage.CacheReadTokens > 0 })
		}},
		{"timestamp at the head of the system prompt breaks the cache", func(t *testing.T, calls []Call) bool {
			ws := byAgent(calls, "writer")
			stamped := slices.ContainsFunc(ws, func(c Call) bool { return strings.Contains(c.System, "Current time: ") })
			return stamped && !slices.ContainsFunc(ws, func(c Call) bool { return c.Usage.CacheReadTokens > 0 })
		}},
		{"full history re-sent each turn", func(t *testing.T, calls []Call) bool {
			ws := byAgent(calls, "writer")
			return messages(t, ws[len(ws)-1]) >= 2*len(Tickets) // system, 8 earlier turns, the request
		}},
		{"retry after truncation", func(t *testing.T, calls []Call) bool {
			ws := byAgent(calls, "writer")
			for i := 0; i+1 < len(ws); i++ {
				if slices.Contains(ws[i].Finish, "length") && unstamped(ws[i+1].Input) == unstamped(ws[i].Input) {
					return true
				}
			}
			return false
		}},
		{"status-check loop", func(t *testing.T, calls []Call) bool {
			os := byAgent(calls, "order-checker")
			for i := 0; i+2 < len(os); i++ {
				if os[i].Input == os[i+1].Input && os[i+1].Input == os[i+2].Input {
					return true
				}
			}
			return false
		}},
	}
	for _, v := range []Variant{VariantWasteful, VariantOptimized} {
		_, calls := recorded(t, v)
		for _, tt := range tests {
			t.Run(string(v)+"/"+tt.name, func(t *testing.T) {
				if got, want := tt.present(t, calls), v == VariantWasteful; got != want {
					t.Errorf("present = %v, want %v", got, want)
				}
			})
		}
	}
}

// TestOptimizedCaches checks the fixes really reach the caches: the
// researcher's handbook is read from Anthropic's cache and the writer's
// style guide from OpenAI's after the first call.
func TestOptimizedCaches(t *testing.T) {
	_, calls := recorded(t, VariantOptimized)
	for _, agent := range []string{"researcher", "writer"} {
		cs := byAgent(calls, agent)
		for i, c := range cs[1:] {
			if c.Usage.CacheReadTokens < 1024 {
				t.Errorf("%s call %d: %d cached tokens", agent, i+2, c.Usage.CacheReadTokens)
			}
		}
	}
}

// TestConcurrentRuns runs wasteful runs concurrently against one server:
// each is its own trace, and since no wasteful call hits a cache each costs
// what a lone run costs.
func TestConcurrentRuns(t *testing.T) {
	_, lone := recorded(t, VariantWasteful)
	var want pricing.USD
	for _, c := range lone {
		want += pricing.Default().Price(c.Provider, c.Model, c.Usage).Total
	}
	meter := NewMeter(nil)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(meter))
	srv := httptest.NewServer(fakellm.New(nil))
	defer srv.Close()
	ctx := context.Background()
	c, err := triage.NewClients(ctx, srv.URL, instrumentation.WithTracerProvider(tp))
	if err != nil {
		t.Fatal(err)
	}
	const runs = 3
	results := make([]Result, runs)
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() { results[i], errs[i] = Run(ctx, c, VariantWasteful) })
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, res := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[res.TraceID.String()] {
			t.Errorf("two runs share trace %s", res.TraceID)
		}
		seen[res.TraceID.String()] = true
		got := meter.Run(res.TraceID)
		if got.Calls != len(lone) || got.Cost != want || got.Unpriced != 0 {
			t.Errorf("run %d: %+v, want %d calls at %s", i, got, len(lone), want)
		}
	}
}

func TestParseVariant(t *testing.T) {
	for in, ok := range map[string]bool{"wasteful": true, "optimized": true, "": false, "cheap": false} {
		if _, err := ParseVariant(in); (err == nil) != ok {
			t.Errorf("ParseVariant(%q) err = %v", in, err)
		}
	}
}
