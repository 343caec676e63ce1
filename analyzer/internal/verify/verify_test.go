package verify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// newRun builds a run of calls (provider, model, usage) priced with the
// default table.
func newRun(calls ...*run.Call) *run.Run {
	r := &run.Run{}
	for i, c := range calls {
		c.SpanID = fmt.Sprintf("span%02d", i+1)
		c.Timestamp = time.Unix(int64(i), 0)
		c.Cost = pricing.Default().Price(c.Provider, c.RequestModel, c.Usage).Total
		r.Calls = append(r.Calls, c)
	}
	r.Build()
	return r
}

func call(provider, model string, in, out, cacheRead int64) *run.Call {
	return &run.Call{Provider: provider, RequestModel: model, Usage: pricing.Usage{InputTokens: in, OutputTokens: out, CacheReadTokens: cacheRead}}
}

func usd(s string) pricing.USD {
	v, err := pricing.ParseUSD(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestSavingsFormulas(t *testing.T) {
	// gpt-4o: input $2.50/M, cache read $1.25/M, output $10/M.
	// claude-sonnet-4-5: input $3/M, cache write $3.75/M, read $0.30/M.
	r := newRun(
		call("openai", "gpt-4o", 1000, 100, 0),               // #1 cost 0.0035
		call("openai", "gpt-4o", 1000, 100, 0),               // #2 cost 0.0035
		call("openai", "gpt-4o", 2000, 100, 0),               // #3 cost 0.006
		call("anthropic", "claude-sonnet-4-5", 2000, 100, 0), // #4 cost 0.0075
		call("anthropic", "claude-sonnet-4-5", 2000, 100, 0), // #5
		call("anthropic", "claude-sonnet-4-5", 2000, 100, 0), // #6
	)
	for _, c := range []struct {
		name string
		f    run.Finding
		want pricing.USD
	}{
		{"redundant = cost of repeats", run.Finding{Type: run.Redundant, Calls: []int{1, 2}}, usd("0.0035")},
		{"loop = cost beyond the first", run.Finding{Type: run.Loop, Calls: []int{1, 2, 3}}, usd("0.0095")},
		{"retry = cost of failed attempts", run.Finding{Type: run.RetryWaste, Calls: []int{1, 2}}, usd("0.0035")},
		{"overkill = cost minus cost under suggestion", run.Finding{Type: run.Overkill, Calls: []int{1}, SuggestedModel: "gpt-4o-mini"},
			usd("0.0035") - usd("0.00021")},
		{"bloat = tokens x input rate", run.Finding{Type: run.Bloat, Calls: []int{3}, RemovableTokens: 800}, usd("0.002")},
		{"bloat bounded by uncached input", run.Finding{Type: run.Bloat, Calls: []int{1}, RemovableTokens: 1_000_000}, usd("0.0025")},
		{"cache = prefix x (input - read) minus write premium", run.Finding{Type: run.CacheMiss, Calls: []int{4, 5, 6}, RemovableTokens: 1500},
			2*1500*(usd("0.000003")-usd("0.0000003")) - 1500*(usd("0.00000375")-usd("0.000003"))},
		{"cache openai has no write premium", run.Finding{Type: run.CacheMiss, Calls: []int{1, 2}, RemovableTokens: 1000}, 1000 * usd("0.00000125")},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.f.Savings = 999 * pricing.Dollar // a reporter's arithmetic is ignored
			got, st := Verify(r, []run.Finding{c.f}, nil)
			if len(got) != 1 {
				t.Fatalf("dropped: %v", st)
			}
			if got[0].Savings != c.want {
				t.Fatalf("saving %s, want %s", got[0].Savings, c.want)
			}
			if len(got[0].SpanIDs) != len(got[0].Calls) || got[0].SpanIDs[0] != r.Call(got[0].Calls[0]).SpanID {
				t.Fatalf("span ids %v", got[0].SpanIDs)
			}
		})
	}
}

func TestDrops(t *testing.T) {
	r := newRun(call("openai", "gpt-4o", 1000, 100, 0), call("openai", "gpt-4o-mini", 1000, 100, 0), call("openai", "my-model", 10, 10, 0))
	for _, c := range []struct {
		name string
		f    run.Finding
		want Reason
	}{
		{"unknown type", run.Finding{Type: "made_up", Calls: []int{1}}, UnknownType},
		{"unknown call", run.Finding{Type: run.Redundant, Calls: []int{1, 47}}, UnknownCall},
		{"call zero", run.Finding{Type: run.Bloat, Calls: []int{0}}, UnknownCall},
		{"no calls", run.Finding{Type: run.Bloat}, NoCalls},
		{"redundant needs two calls", run.Finding{Type: run.Redundant, Calls: []int{1, 1}}, TooFewCalls},
		{"unknown suggested model", run.Finding{Type: run.Overkill, Calls: []int{1}, SuggestedModel: "gpt-9"}, UnknownModel},
		{"suggested model of another provider", run.Finding{Type: run.Overkill, Calls: []int{1}, SuggestedModel: "claude-haiku-4-5"}, NotCheaper},
		{"suggested model not cheaper", run.Finding{Type: run.Overkill, Calls: []int{2}, SuggestedModel: "gpt-4o"}, NotCheaper},
		{"call of unknown model", run.Finding{Type: run.Bloat, Calls: []int{3}, RemovableTokens: 5}, UnknownModel},
		{"bloat without tokens", run.Finding{Type: run.Bloat, Calls: []int{1}}, NoSaving},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, st := Verify(r, []run.Finding{c.f}, nil)
			if len(got) != 0 || st.Dropped[c.want] != 1 || st.DroppedTotal() != 1 {
				t.Fatalf("got %v, stats %v, want dropped %s", got, st, c.want)
			}
		})
	}
}

func TestMergeBudgetAndSummary(t *testing.T) {
	r := newRun(call("openai", "gpt-4o", 1000, 100, 0), call("openai", "gpt-4o", 1000, 100, 0), call("openai", "gpt-4o", 1000, 100, 0))
	in := []run.Finding{
		{Type: run.Redundant, Calls: []int{1, 2, 3}, Source: run.SourceDetector, Confidence: 0.9, Title: "detector"},
		{Type: run.Redundant, Calls: []int{3, 2, 1}, Source: run.SourceGemini, Confidence: 0.7, Title: "gemini"},
		// Overkill on the same calls can only claim what is left of #1.
		{Type: run.Overkill, Calls: []int{1, 2, 3}, SuggestedModel: "gpt-4o-mini", Source: run.SourceGemini, Confidence: 0.8},
		// Bloat on a fully claimed call saves nothing.
		{Type: run.Bloat, Calls: []int{2}, RemovableTokens: 500, Source: run.SourceGemini, Confidence: 0.8},
	}
	got, st := Verify(r, in, nil)
	if st.Merged != 1 || st.Dropped[AlreadyClaimed] != 1 || st.Capped != 1 || st.Verified != 2 {
		t.Fatalf("stats %v", st)
	}
	if got[0].Type != run.Redundant || got[0].Source != run.SourceBoth || got[0].Title != "detector" || got[0].Confidence != 0.9 {
		t.Fatalf("merged finding %+v", got[0])
	}
	if got[0].Severity != run.High {
		t.Fatalf("severity %s", got[0].Severity)
	}
	// The capped overkill finding names all three calls; it says its saving leaves out #2 and #3.
	if !strings.Contains(got[1].Explanation, "leaves out the part of call #2, #3 already counted") {
		t.Errorf("capped finding's explanation %q", got[1].Explanation)
	}
	if len(st.DroppedFindings) != 1 || st.DroppedFindings[0].Type != run.Bloat || st.DroppedFindings[0].Reason != AlreadyClaimed {
		t.Errorf("dropped findings %+v", st.DroppedFindings)
	}
	sum := Summarize(r, got)
	if sum.Savings > sum.Original || sum.Optimized != sum.Original-sum.Savings {
		t.Fatalf("summary %+v", sum)
	}
	wantSaving := 2*usd("0.0035") + usd("0.0035") - usd("0.00021")
	if sum.Savings != wantSaving {
		t.Fatalf("savings %s, want %s", sum.Savings, wantSaving)
	}
	if sum.Pct < 97.9 || sum.Pct > 98.1 {
		t.Fatalf("pct %v", sum.Pct)
	}
	if in[1].Calls[0] != 3 {
		t.Fatal("input findings were modified")
	}
}

func TestSeverity(t *testing.T) {
	total := pricing.Dollar
	for _, c := range []struct {
		saving pricing.USD
		conf   float64
		want   run.Severity
	}{
		{total / 5, 0.9, run.High},
		{total / 5, 0.4, run.Medium},
		{total / 20, 0.9, run.Medium},
		{total / 20, 0.4, run.Low},
		{total / 1000, 0.9, run.Low},
	} {
		if got := severity(c.saving, total, c.conf); got != c.want {
			t.Errorf("severity(%s, %v) = %s, want %s", c.saving, c.conf, got, c.want)
		}
	}
}

func TestEmpty(t *testing.T) {
	r := newRun()
	got, st := Verify(r, nil, nil)
	if len(got) != 0 || st.Input != 0 {
		t.Fatal("want nothing")
	}
	if s := Summarize(r, nil); s.Pct != 0 || s.Original != 0 {
		t.Fatalf("summary %+v", s)
	}
	if st.String() == "" {
		t.Fatal("empty stats string")
	}
}
