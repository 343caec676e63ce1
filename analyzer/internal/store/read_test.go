package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

const (
	traceCheckout = "00000000000000000000000000000a01"
	traceSupport  = "00000000000000000000000000000a02"
	traceRefunds  = "00000000000000000000000000000a03"
)

// readFixture stores three runs: checkout (4 calls, gpt-4o and claude,
// analyzed twice), support (an hour later, service "helpdesk", one cheap
// call, being analyzed) and refunds (never analyzed, one call of a model
// no price table knows).
func readFixture(t *testing.T) (*Store, map[string]*run.Run, *Analysis) {
	t.Helper()
	s, dsn := openStore(t)
	ctx := context.Background()
	runs := map[string]*run.Run{
		traceCheckout: storetest.Build(traceCheckout, "checkout", storetest.SampleSpecs()),
		traceSupport: storetest.Build(traceSupport, "support", []storetest.CallSpec{{Agent: "triage", Provider: "openai",
			Model: "gpt-4o-mini", User: "Where is my order?", Answer: "It ships tomorrow.", In: 100, Out: 10}}),
		traceRefunds: storetest.Build(traceRefunds, "refunds", []storetest.CallSpec{{Agent: "clerk", Provider: "openai",
			Model: "inhouse-llm-7b", User: "Refund order 7.", Answer: "Refunded.", In: 300, Out: 5}}),
	}
	for _, c := range runs[traceSupport].Calls {
		c.Service, c.Timestamp = "helpdesk", c.Timestamp.Add(time.Hour)
	}
	for _, c := range runs[traceRefunds].Calls {
		c.Timestamp = c.Timestamp.Add(2 * time.Hour)
	}
	for _, r := range runs {
		storetest.InsertRun(t, dsn, r)
	}
	now := time.Now()
	old := NewAnalysis(traceCheckout, "checkout", now.Add(-time.Minute))
	if err := s.SaveAnalysis(ctx, old, StatusAnalyzed); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFindings(ctx, old, []run.Finding{{Type: run.Loop, Severity: run.Low, Calls: []int{1}, Savings: 1}}); err != nil {
		t.Fatal(err)
	}
	newer := NewAnalysis(traceCheckout, "checkout", now)
	newer.Mode, newer.AnalyzerVersion, newer.Calls, newer.RunSpans, newer.RunEnd = "offline", "v9", 4, 7, storetest.Epoch.Add(5*time.Second)
	newer.OriginalCost, newer.OptimizedCost, newer.Savings, newer.Findings = 30*pricing.Dollar/1000, 10*pricing.Dollar/1000, 20*pricing.Dollar/1000, 2
	newer.AnalysisInputTokens, newer.AnalysisCost, newer.Error = 1234, 5, "gemini: down"
	for _, st := range []Status{StatusPending, StatusAnalyzing, StatusAnalyzed} {
		if err := s.SaveAnalysis(ctx, newer, st); err != nil {
			t.Fatal(err)
		}
	}
	findings := []run.Finding{
		{Type: run.Redundant, Severity: run.High, Confidence: 0.97, Calls: []int{1, 3}, SpanIDs: []string{"a", "b"},
			Title: "repeated", Explanation: "same question", Recommendation: "cache it", Savings: 15 * pricing.Dollar / 1000, Source: run.SourceDetector},
		{Type: run.Overkill, Severity: run.Medium, Confidence: 0.9, Calls: []int{2}, SpanIDs: []string{"c"},
			Title: "big model", Savings: 5 * pricing.Dollar / 1000, Source: run.SourceDetector},
	}
	if err := s.SaveFindings(ctx, newer, findings); err != nil {
		t.Fatal(err)
	}
	// A replayed insert of the same findings must not show twice.
	if err := s.SaveFindings(ctx, newer, findings); err != nil {
		t.Fatal(err)
	}
	busy := NewAnalysis(traceSupport, "support", now)
	if err := s.SaveAnalysis(ctx, busy, StatusAnalyzing); err != nil {
		t.Fatal(err)
	}
	return s, runs, newer
}

func TestListRunsFilters(t *testing.T) {
	s, runs, _ := readFixture(t)
	yes, no := true, false
	checkoutCost := runs[traceCheckout].TotalCost()
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"all, newest first", Filter{}, []string{traceRefunds, traceSupport, traceCheckout}},
		{"since", Filter{Since: storetest.Epoch.Add(30 * time.Minute)}, []string{traceRefunds, traceSupport}},
		{"until", Filter{Until: storetest.Epoch.Add(30 * time.Minute)}, []string{traceCheckout}},
		{"workflow", Filter{Workflow: "support"}, []string{traceSupport}},
		{"service", Filter{Service: "helpdesk"}, []string{traceSupport}},
		{"model, requested by one call of four", Filter{Model: "claude-sonnet-4-5"}, []string{traceCheckout}},
		{"model nobody used", Filter{Model: "gpt-9"}, nil},
		{"min cost", Filter{MinCost: checkoutCost}, []string{traceCheckout}},
		{"analyzed", Filter{Analyzed: &yes}, []string{traceCheckout}},
		{"not analyzed (being analyzed counts as not)", Filter{Analyzed: &no}, []string{traceRefunds, traceSupport}},
		{"page 1", Filter{Limit: 2}, []string{traceRefunds, traceSupport}},
		{"page 2", Filter{Limit: 2, Offset: 2}, []string{traceCheckout}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListRuns(context.Background(), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r.TraceID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("runs %v, want %v", ids, tc.want)
			}
			for _, r := range got {
				if want := (run.PriceGaps{Unpriced: map[bool]int{true: 1}[r.TraceID == traceRefunds]}); r.Gaps != want {
					t.Errorf("%s: price gaps %+v, want %+v", r.TraceID, r.Gaps, want)
				}
			}
		})
	}
}

func TestListWorkflows(t *testing.T) {
	s, runs, newer := readFixture(t)
	got, err := s.ListWorkflows(context.Background(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Workflow != "checkout" {
		t.Fatalf("workflows %+v", got)
	}
	c := got[0]
	if c.Runs != 1 || c.Calls != 4 || c.Cost != runs[traceCheckout].TotalCost() || c.Analyzed != 1 || c.Unanalyzed != 0 || c.Savings != newer.Savings {
		t.Errorf("checkout %+v", c)
	}
	for _, w := range got[1:] {
		if w.Analyzed != 0 || w.Unanalyzed != 1 || w.Savings != 0 {
			t.Errorf("%s %+v", w.Workflow, w)
		}
	}
	later, err := s.ListWorkflows(context.Background(), storetest.Epoch.Add(90*time.Minute), time.Time{})
	if err != nil || len(later) != 1 || later[0].Workflow != "refunds" {
		t.Errorf("since 90 min: %+v, %v", later, err)
	}
}

func TestLoadAnalysisRoundTrip(t *testing.T) {
	s, _, newer := readFixture(t)
	ctx := context.Background()
	got, err := s.LoadAnalysis(ctx, newer.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := *newer
	if got.UpdatedAt().IsZero() || !got.CreatedAt.Equal(want.CreatedAt.Truncate(time.Millisecond)) {
		t.Errorf("created %v updated %v", got.CreatedAt, got.UpdatedAt())
	}
	got.Analysis.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	got.Analysis.updatedAt, want.updatedAt = time.Time{}, time.Time{}
	got.Analysis.RunEnd, want.RunEnd = got.RunEnd.UTC(), want.RunEnd.UTC()
	if !reflect.DeepEqual(*got.Analysis, want) {
		t.Errorf("analysis\n got %+v\nwant %+v", *got.Analysis, want)
	}
	if len(got.Findings) != 2 || got.Findings[0].Type != run.Redundant || !slices.Equal(got.Findings[0].Calls, []int{1, 3}) ||
		got.Findings[0].Savings != 15*pricing.Dollar/1000 || got.Findings[0].Confidence != 0.97 || got.Findings[1].Type != run.Overkill {
		t.Errorf("findings %+v", got.Findings)
	}

	latest, err := s.LatestAnalysis(ctx, traceCheckout)
	if err != nil || latest.ID != newer.ID {
		t.Errorf("latest of checkout: %v, %v", latest, err)
	}
	busy, err := s.LatestAnalysis(ctx, traceSupport)
	if err != nil || busy.Status != StatusAnalyzing || len(busy.Findings) != 0 {
		t.Errorf("latest of support: %+v, %v", busy, err)
	}
	if _, err := s.LatestAnalysis(ctx, traceRefunds); !errors.Is(err, ErrNotFound) {
		t.Errorf("never analyzed: %v", err)
	}
	if _, err := s.LoadAnalysis(ctx, uuid.New()); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestListFindings(t *testing.T) {
	s, _, newer := readFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    FindingFilter
		want []run.Type
	}{
		{"newest analysis only, each once", FindingFilter{}, []run.Type{run.Redundant, run.Overkill}},
		{"type", FindingFilter{Type: run.Overkill}, []run.Type{run.Overkill}},
		{"workflow", FindingFilter{Workflow: "support"}, nil},
		{"until before the analysis", FindingFilter{Until: newer.CreatedAt.Add(-time.Second)}, nil},
		{"page 2", FindingFilter{Limit: 1, Offset: 1}, []run.Type{run.Overkill}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListFindings(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var types []run.Type
			for _, f := range got {
				types = append(types, f.Type)
				if f.AnalysisID != newer.ID || f.TraceID != traceCheckout || f.Workflow != "checkout" || f.Ordinal == 0 {
					t.Errorf("finding %+v", f)
				}
			}
			if !slices.Equal(types, tc.want) {
				t.Errorf("types %v, want %v", types, tc.want)
			}
		})
	}
}
