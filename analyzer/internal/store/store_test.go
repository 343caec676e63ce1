package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func openStore(t *testing.T) (*Store, string) {
	t.Helper()
	dsn := storetest.NewDatabase(t)
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dsn
}

func TestLoadRunRoundTrip(t *testing.T) {
	s, dsn := openStore(t)
	want := storetest.Sample()
	storetest.InsertRun(t, dsn, want)
	got, err := s.LoadRun(context.Background(), strings.ToUpper(storetest.SampleTrace))
	if err != nil {
		t.Fatal(err)
	}
	if got.Workflow != "checkout" || len(got.Calls) != 4 || len(got.Spans) != len(want.Spans) {
		t.Fatalf("run: workflow %q, %d calls, %d spans", got.Workflow, len(got.Calls), len(got.Spans))
	}
	if got.TotalCost() != want.TotalCost() || got.TotalCost() == 0 {
		t.Errorf("total cost %s, want %s", got.TotalCost(), want.TotalCost())
	}
	for i, c := range got.Calls {
		w := want.Calls[i]
		if c.Number != i+1 || c.SpanID != w.SpanID || c.Usage != w.Usage || c.Cost != w.Cost ||
			c.InputCost != w.InputCost || c.InputMessages != w.InputMessages || !c.Timestamp.Equal(w.Timestamp) ||
			c.Agent != w.Agent || c.PriceStatus != w.PriceStatus || strings.Join(c.FinishReasons, ",") != "stop" {
			t.Errorf("call %d: got %+v\nwant %+v", i+1, c, w)
		}
	}
	var agents []string
	for _, sp := range got.Spans {
		if sp.Operation == "invoke_agent" {
			agents = append(agents, sp.Agent)
			if len(sp.Children) == 0 {
				t.Errorf("agent %s has no children", sp.Agent)
			}
		}
	}
	if strings.Join(agents, ",") != "researcher,translator,writer" {
		t.Errorf("agents %v", agents)
	}
}

func TestLoadRunErrors(t *testing.T) {
	s, _ := openStore(t)
	_, err := s.LoadRun(context.Background(), "0123456789abcdef0123456789abcdef")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "trace 0123456789abcdef0123456789abcdef not found") {
		t.Errorf("unknown trace: %v", err)
	}
	for _, bad := range []string{"", "abc", "0123456789abcdef0123456789abcdeg", "00000000000000000000000000000000", "'; DROP TABLE llm_calls; --0000"} {
		if _, err := s.LoadRun(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "invalid trace id") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestAnalysesHistoryAndList(t *testing.T) {
	s, dsn := openStore(t)
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	// analyses is a ReplacingMergeTree: a background merge would collapse the status rows this test counts.
	chtest.Exec(t, "SYSTEM STOP MERGES "+dbOf(dsn)+".analyses")
	ctx := context.Background()
	findings := []run.Finding{{Type: run.Redundant, Severity: run.High, Confidence: 0.95, Calls: []int{1, 3},
		SpanIDs: []string{r.Calls[0].SpanID, r.Calls[2].SpanID}, Title: "same question", Explanation: "e",
		Recommendation: "cache", Savings: 3_600_000_001, Source: run.SourceBoth}}
	var ids []string
	for i := 0; i < 2; i++ {
		a := NewAnalysis(r.TraceID, r.Workflow, time.Now())
		for _, st := range []Status{StatusPending, StatusAnalyzing} {
			if err := s.SaveAnalysis(ctx, a, st); err != nil {
				t.Fatal(err)
			}
		}
		a.Mode, a.Calls, a.OriginalCost, a.Savings, a.Findings = "offline", 4, r.TotalCost(), findings[0].Savings, 1
		a.OptimizedCost = a.OriginalCost - a.Savings
		if err := s.SaveFindings(ctx, a, findings); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveAnalysis(ctx, a, StatusAnalyzed); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID.String())
	}
	if got := chtest.Scalar(t, "SELECT count(), uniqExact(AnalysisId) FROM "+dbOf(dsn)+".analyses"); got != "6\t2" {
		t.Errorf("analyses rows/ids: %q", got)
	}
	if got := chtest.Scalar(t, "SELECT Status, toString(SavingsUSD) FROM "+dbOf(dsn)+".analyses FINAL WHERE AnalysisId = '"+ids[1]+"'"); got != "analyzed\t0.003600000001" {
		t.Errorf("final analysis: %q", got)
	}
	if got := chtest.Scalar(t, "SELECT count(), any(arrayStringConcat(CallNumbers, ',')), any(Source) FROM "+dbOf(dsn)+".findings"); got != "2\t1,3\tboth" {
		t.Errorf("findings: %q", got)
	}
	runs, err := s.ListRuns(ctx, Filter{Since: storetest.Epoch.Add(-time.Hour), Workflow: "checkout"})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Calls != 4 || runs[0].Cost != r.TotalCost() || runs[0].Tokens != 11083 {
		t.Fatalf("runs: %+v", runs)
	}
	if la := runs[0].LastAnalysis; la == nil || la.AnalysisID != ids[1] || la.Status != StatusAnalyzed || la.Savings != 3_600_000_001 {
		t.Errorf("last analysis: %+v", runs[0].LastAnalysis)
	}
	for _, f := range []Filter{{Workflow: "other"}, {Since: storetest.Epoch.Add(time.Hour)}} {
		if runs, err := s.ListRuns(ctx, f); err != nil || len(runs) != 0 {
			t.Errorf("filter %+v: %v %v", f, runs, err)
		}
	}
}

func dbOf(dsn string) string {
	db := dsn[strings.LastIndex(dsn, "/")+1:]
	return db[:strings.Index(db, "?")]
}

func TestUSDDecimalRoundTrip(t *testing.T) {
	for _, v := range []pricing.USD{0, 1, 999_999_999_999, 123_456_789_012_345, -5} {
		got, err := toUSD(fromUSD(v), "x")
		if err != nil || got != v {
			t.Errorf("%d: %d %v", v, got, err)
		}
	}
}
