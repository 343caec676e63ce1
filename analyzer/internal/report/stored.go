package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
)

// JSONDocument is a document only the HTTP API serves, in JSON.
type JSONDocument interface{ json() any }

// WriteJSON writes d as the API's JSON.
func WriteJSON(out io.Writer, d JSONDocument) error {
	if err := json.NewEncoder(out).Encode(d.json()); err != nil {
		return fmt.Errorf("write JSON document: %w", err)
	}
	return nil
}

// Page is where a listing stands: More says another page follows at
// Offset+Limit.
type Page struct {
	Limit, Offset int
	More          bool
}

type jsonPage struct {
	Limit      int  `json:"limit"`
	Offset     int  `json:"offset"`
	NextOffset *int `json:"next_offset"`
}

func (p Page) json() jsonPage {
	j := jsonPage{Limit: p.Limit, Offset: p.Offset}
	if p.More {
		next := p.Offset + p.Limit
		j.NextOffset = &next
	}
	return j
}

// RunsPage is one page of runs.
type RunsPage struct {
	Runs []store.RunSummary
	Page Page
}

func (p RunsPage) json() any {
	runs := Runs(p.Runs).json().(runsDoc)
	return struct {
		runsDoc
		Page jsonPage `json:"page"`
	}{runs, p.Page.json()}
}

// Workflows summarizes workflows.
type Workflows []store.WorkflowSummary

func (ws Workflows) json() any {
	type jsonWorkflow struct {
		Workflow   string    `json:"workflow"`
		Runs       int       `json:"runs"`
		Calls      int       `json:"calls"`
		CostUSD    string    `json:"cost_usd"`
		FirstRun   time.Time `json:"first_run"`
		LastRun    time.Time `json:"last_run"`
		Analyzed   int       `json:"analyzed_runs"`
		Unanalyzed int       `json:"unanalyzed_runs"`
		SavingsUSD string    `json:"savings_usd"`
	}
	out := struct {
		header
		Workflows []jsonWorkflow `json:"workflows"`
	}{header: head("workflows"), Workflows: []jsonWorkflow{}}
	for _, w := range ws {
		out.Workflows = append(out.Workflows, jsonWorkflow{Workflow: w.Workflow, Runs: w.Runs, Calls: w.Calls,
			CostUSD: w.Cost.String(), FirstRun: w.First.UTC(), LastRun: w.Last.UTC(), Analyzed: w.Analyzed,
			Unanalyzed: w.Unanalyzed, SavingsUSD: w.Savings.String()})
	}
	return out
}

// StoredAnalysis is one analysis as the analyses and findings tables hold it.
type StoredAnalysis struct{ *store.StoredAnalysis }

type jsonStoredAnalysis struct {
	AnalysisID      string    `json:"analysis_id"`
	TraceID         string    `json:"trace_id"`
	Workflow        string    `json:"workflow"`
	Status          string    `json:"status"`
	Error           string    `json:"error,omitempty"`
	Mode            string    `json:"mode,omitempty"`
	Model           string    `json:"model,omitempty"`
	AnalyzerVersion string    `json:"analyzer_version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Calls           int       `json:"calls"`
	RunSpans        int       `json:"run_spans"`
	RunEnd          time.Time `json:"run_end"`
	Summary         struct {
		OriginalCostUSD  string  `json:"original_cost_usd"`
		OptimizedCostUSD string  `json:"optimized_cost_usd"`
		SavingsUSD       string  `json:"savings_usd"`
		SavingsPct       float64 `json:"savings_pct"`
	} `json:"summary"`
	Gemini struct {
		InputTokens  int64  `json:"input_tokens"`
		OutputTokens int64  `json:"output_tokens"`
		CostUSD      string `json:"cost_usd"`
	} `json:"gemini"`
	FindingCount int           `json:"finding_count"`
	Findings     []jsonFinding `json:"findings"`
}

func (a StoredAnalysis) json() any {
	j := jsonStoredAnalysis{AnalysisID: a.ID.String(), TraceID: a.TraceID, Workflow: a.Workflow, Status: string(a.Status),
		Error: a.Error, Mode: a.Mode, Model: a.Model, AnalyzerVersion: a.AnalyzerVersion, CreatedAt: a.CreatedAt.UTC(),
		UpdatedAt: a.UpdatedAt().UTC(), Calls: a.Calls, RunSpans: a.RunSpans, RunEnd: a.RunEnd.UTC(),
		FindingCount: a.Analysis.Findings, Findings: []jsonFinding{}}
	j.Summary.OriginalCostUSD, j.Summary.OptimizedCostUSD, j.Summary.SavingsUSD = a.OriginalCost.String(), a.OptimizedCost.String(), a.Savings.String()
	if a.OriginalCost > 0 {
		j.Summary.SavingsPct = round2(100 * float64(a.Savings) / float64(a.OriginalCost))
	}
	j.Gemini.InputTokens, j.Gemini.OutputTokens, j.Gemini.CostUSD = a.AnalysisInputTokens, a.AnalysisOutputTokens, a.AnalysisCost.String()
	for i, f := range a.StoredAnalysis.Findings {
		j.Findings = append(j.Findings, findingJSON(i+1, f))
	}
	return struct {
		header
		jsonStoredAnalysis
	}{head("stored_analysis"), j}
}

// FindingsPage is one page of findings across runs.
type FindingsPage struct {
	Findings []store.StoredFinding
	Page     Page
}

func (p FindingsPage) json() any {
	type jsonStoredFinding struct {
		TraceID    string    `json:"trace_id"`
		AnalysisID string    `json:"analysis_id"`
		Workflow   string    `json:"workflow"`
		AnalyzedAt time.Time `json:"analyzed_at"`
		jsonFinding
	}
	out := struct {
		header
		Findings []jsonStoredFinding `json:"findings"`
		Page     jsonPage            `json:"page"`
	}{header: head("findings"), Findings: []jsonStoredFinding{}, Page: p.Page.json()}
	for _, f := range p.Findings {
		out.Findings = append(out.Findings, jsonStoredFinding{TraceID: f.TraceID, AnalysisID: f.AnalysisID.String(),
			Workflow: f.Workflow, AnalyzedAt: f.CreatedAt.UTC(), jsonFinding: findingJSON(f.Ordinal, f.Finding)})
	}
	return out
}

// findingJSON is the one JSON shape of a finding, in reports and the API.
func findingJSON(ordinal int, f run.Finding) jsonFinding {
	spans, calls := f.SpanIDs, f.Calls
	if spans == nil {
		spans = []string{}
	}
	if calls == nil {
		calls = []int{}
	}
	return jsonFinding{Ordinal: ordinal, Type: string(f.Type), Severity: string(f.Severity),
		Confidence: f.Confidence, Calls: calls, SpanIDs: spans, Title: f.Title, Explanation: f.Explanation,
		Recommendation: f.Recommendation, SuggestedModel: f.SuggestedModel, RemovableTokens: f.RemovableTokens,
		SavingsUSD: f.Savings.String(), Source: string(f.Source)}
}
