package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/diff"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/analyzer/internal/whatif"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func sampleAnalysis() *Analysis {
	r := storetest.Sample()
	r.Build()
	findings := []run.Finding{
		{Type: run.Redundant, Severity: run.High, Confidence: 0.95, Calls: []int{1, 3}, SpanIDs: []string{r.Calls[0].SpanID, r.Calls[2].SpanID},
			Title: "Calls #1 and #3 ask the same thing", Explanation: "Identical prompt | same answer.", Recommendation: "Cache the answer of #1.",
			Savings: r.Calls[2].Cost, Source: run.SourceBoth},
		{Type: run.Overkill, Severity: run.Low, Confidence: 0.8, Calls: []int{2}, SpanIDs: []string{r.Calls[1].SpanID},
			Title: "gpt-4o translates two words", Explanation: "A one-word translation.", Recommendation: "Use gpt-4o-mini.",
			SuggestedModel: "gpt-4o-mini", Savings: 94_350_000, Source: run.SourceGemini},
	}
	max := pricing.USD(1_000_000_000)
	pct := 5.0
	return &Analysis{TraceID: r.TraceID, Workflow: r.Workflow, AnalysisID: "6f1c2d4e-0000-4000-8000-000000000001", Mode: "gemini",
		Calls: len(r.Calls), PriceVersion: "2025.11.1", Findings: findings,
		Stats: verify.Stats{Input: 5, Verified: 2, Merged: 1, Dropped: map[verify.Reason]int{verify.UnknownCall: 1, verify.UnknownType: 1},
			DroppedFindings: []verify.Drop{{Type: run.Loop, Calls: []int{7, 9}, Source: run.SourceGemini, Reason: verify.UnknownCall},
				{Type: "hallucinated_waste", Calls: []int{1}, Source: run.SourceGemini, Reason: verify.UnknownType}}},
		Summary: verify.Summarize(r, findings),
		Gemini:  Gemini{Status: "ok", Model: "gemini-2.5-pro", InputTokens: 10_000, OutputTokens: 500, Cost: 17_500_000_000, Findings: 3},
		Gate:    &Gate{MaxUSD: &max, MaxPct: &pct, Exceeded: true, Reason: "savings 11.2% exceed --max-waste-pct 5%"},
	}
}

func TestGolden(t *testing.T) {
	r := storetest.Sample()
	roots := r.Build()
	offline := sampleAnalysis()
	offline.Mode, offline.AnalysisID, offline.Gate = "offline", "", nil
	offline.Gemini = Gemini{Status: "failed", Reason: "Gemini did not answer within 3m0s (1 attempt(s))"}
	runs := []store.RunSummary{
		{TraceID: r.TraceID, Workflow: "checkout", Service: "agents", Start: storetest.Epoch, Calls: 4, Tokens: 11083, Cost: r.TotalCost(),
			LastAnalysis: &store.AnalysisStatus{AnalysisID: "6f1c2d4e-0000-4000-8000-000000000001", Status: store.StatusAnalyzed, Savings: 3_600_000_000, UpdatedAt: storetest.Epoch.Add(time.Hour)}},
		{TraceID: "0af7651916cd43dd8448eb211c80319c", Workflow: "triage", Service: "agents", Start: storetest.Epoch.Add(-time.Hour), Calls: 2, Tokens: 900, Cost: 1_000_000_000,
			Gaps: run.PriceGaps{Unpriced: 1}},
	}
	// A call of an unknown model: the offline report's total says it is short.
	offline.Gaps = run.PriceGaps{Unpriced: 1, Partial: 2}
	docs := map[string]func(f Format) ([]byte, error){
		"analysis": func(f Format) ([]byte, error) {
			return out(func(b *bytes.Buffer) error { return WriteAnalysis(b, f, sampleAnalysis()) })
		},
		"analysis_offline": func(f Format) ([]byte, error) {
			return out(func(b *bytes.Buffer) error { return WriteAnalysis(b, f, offline) })
		},
		"runs": func(f Format) ([]byte, error) {
			return out(func(b *bytes.Buffer) error { return WriteRuns(b, f, runs) })
		},
		"show": func(f Format) ([]byte, error) {
			return out(func(b *bytes.Buffer) error { return WriteShow(b, f, r, roots) })
		},
		"diff": func(f Format) ([]byte, error) {
			specs := storetest.SampleSpecs()
			fixed := []storetest.CallSpec{specs[0], specs[1], specs[3]}
			fixed[1].Model = "gpt-4o-mini"
			b := storetest.Build("0af7651916cd43dd8448eb211c80319c", "checkout", fixed)
			b.Build()
			a := sampleAnalysis()
			res := diff.Compare(diff.Side{Run: r, Findings: a.Findings}, diff.Side{Run: b, Findings: []run.Finding{
				{Type: run.Loop, Calls: []int{1}, Title: "polling", Savings: 1}}},
				diff.Prediction{Savings: a.Summary.Savings, Source: "analysis 6f1c2d4e-0000-4000-8000-000000000001 (gemini, 2025-06-01T11:00:00Z)"})
			return out(func(buf *bytes.Buffer) error { return WriteDiff(buf, f, res) })
		},
		"whatif": func(f Format) ([]byte, error) {
			res, err := whatif.Model(r, pricing.Default(), "gpt-4o-mini")
			if err != nil {
				return nil, err
			}
			return out(func(b *bytes.Buffer) error { return WriteWhatIf(b, f, r.TraceID, res) })
		},
	}
	ext := map[Format]string{Text: "txt", Markdown: "md", JSON: "json"}
	for name, doc := range docs {
		for _, f := range []Format{Text, Markdown, JSON} {
			got, err := doc(f)
			if err != nil {
				t.Fatalf("%s %s: %v", name, f, err)
			}
			if f == JSON {
				var v map[string]any
				if err := json.Unmarshal(got, &v); err != nil || v["schema_version"] != float64(SchemaVersion) {
					t.Errorf("%s: invalid JSON or schema_version: %v", name, err)
				}
			}
			path := filepath.Join("testdata", name+"."+ext[f]+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (go test ./analyzer/internal/report -update):\n%s", path, got)
			}
		}
	}
}

func out(fn func(*bytes.Buffer) error) ([]byte, error) {
	var b bytes.Buffer
	err := fn(&b)
	return b.Bytes(), err
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "JSON": JSON, "md": Markdown, "markdown": Markdown} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("%s: %v %v", in, f, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}
