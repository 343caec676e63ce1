package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/escape"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Gemini says whether and how Gemini took part in an analysis.
type Gemini struct {
	// Status is "ok", "skipped" or "failed".
	Status string
	// Reason explains a skip or a failure.
	Reason string
	// Model is the model asked (or that answered).
	Model string
	// InputTokens, OutputTokens and Cost are the analysis's own usage.
	InputTokens, OutputTokens int64
	Cost                      pricing.USD
	// Findings is the number of findings Gemini returned before
	// verification.
	Findings int
}

// Analysis is the result of `kaizen analyze`.
type Analysis struct {
	TraceID, Workflow string
	AnalysisID        string
	// Mode is "gemini" or "offline".
	Mode         string
	Calls        int
	PriceVersion string
	// Gaps are the run's calls without a complete price: its costs are short by them.
	Gaps     run.PriceGaps
	Findings []run.Finding
	Stats    verify.Stats
	Summary  verify.Summary
	Gemini   Gemini
	// Gate is set when a CI threshold was given.
	Gate *Gate
}

// Gate is the outcome of --max-waste-usd / --max-waste-pct.
type Gate struct {
	MaxUSD   *pricing.USD
	MaxPct   *float64
	Exceeded bool
	Reason   string
}

// WriteAnalysis renders an analysis.
func WriteAnalysis(out io.Writer, f Format, a *Analysis) error { return render(out, f, a) }

// The helpers below return text with every stored or remote string already
// passed through escape.Text; markdown callers add escape.Markdown.

func (a *Analysis) modeLine() string {
	if a.Mode == "gemini" {
		return fmt.Sprintf("gemini (%s)", escape.Text(a.Gemini.Model))
	}
	if a.Gemini.Status == "failed" {
		return "offline — Gemini failed: " + escape.Text(a.Gemini.Reason)
	}
	return "offline — Gemini skipped: " + escape.Text(a.Gemini.Reason)
}

func callList(f run.Finding) string {
	parts := make([]string, len(f.Calls))
	for i, n := range f.Calls {
		parts[i] = fmt.Sprintf("#%d", n)
		if i < len(f.SpanIDs) && f.SpanIDs[i] != "" {
			parts[i] += " (span " + escape.Text(f.SpanIDs[i]) + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func (a *Analysis) analysisCost() string {
	if a.Gemini.InputTokens == 0 && a.Gemini.OutputTokens == 0 {
		return "$0 (no Gemini tokens spent)"
	}
	return fmt.Sprintf("%s (%d input + %d output Gemini tokens, %s)", usd(a.Gemini.Cost), a.Gemini.InputTokens, a.Gemini.OutputTokens, escape.Text(a.Gemini.Model))
}

func (a *Analysis) gateReason() string { return escape.Text(a.Gate.Reason) }

func (a *Analysis) text(w *writer) {
	w.f("Kaizen analysis of trace %s (workflow \"%s\", %d calls)\n", escape.Text(a.TraceID), escape.Text(a.Workflow), a.Calls)
	w.f("Mode: %s\n", a.modeLine())
	if a.AnalysisID != "" {
		w.f("Analysis id: %s\n", escape.Text(a.AnalysisID))
	}
	w.f("\nFindings (%d):\n", len(a.Findings))
	if len(a.Findings) == 0 {
		w.f("  none\n")
	}
	for i, f := range a.Findings {
		w.f("\n%2d. [%s] %s: %s\n", i+1, escape.Text(string(f.Severity)), escape.Text(string(f.Type)), escape.Text(f.Title))
		w.f("    save %s per run · confidence %.2f · source %s\n", usd(f.Savings), f.Confidence, escape.Text(string(f.Source)))
		w.f("    calls: %s\n", callList(f))
		if f.SuggestedModel != "" {
			w.f("    suggested model: %s\n", escape.Text(f.SuggestedModel))
		}
		w.f("    why: %s\n    fix: %s\n", escape.Text(f.Explanation), escape.Text(f.Recommendation))
	}
	w.f("\nVerification: %s\n", escape.Text(a.Stats.String()))
	for _, d := range a.Stats.DroppedFindings {
		w.f("  dropped %s\n", escape.Text(dropLine(d)))
	}
	w.f("\nOriginal cost:  %s\n", cost(a.Summary.Original, a.Gaps))
	w.f("Optimized cost: %s\n", usd(a.Summary.Optimized))
	w.f("Savings:        %s (%.1f%%)\n", usd(a.Summary.Savings), a.Summary.Pct)
	w.f("Analysis cost:  %s\n", a.analysisCost())
	if a.Gate != nil {
		w.f("CI gate:        %s\n", a.gateReason())
	}
}

func (a *Analysis) markdown(w *writer) {
	w.f("# Kaizen analysis of trace %s\n\n", escape.MarkdownCode(a.TraceID))
	w.f("- Workflow: %s\n- Calls: %d\n- Mode: %s\n", escape.Markdown(a.Workflow), a.Calls, escape.Markdown(a.modeLine()))
	if a.AnalysisID != "" {
		w.f("- Analysis id: %s\n", escape.MarkdownCode(a.AnalysisID))
	}
	w.f("\n## Findings (%d)\n\n", len(a.Findings))
	if len(a.Findings) > 0 {
		w.f("| # | Severity | Type | Calls | Savings / run | Confidence | Source | Title |\n|---|---|---|---|---|---|---|---|\n")
		for i, f := range a.Findings {
			calls := make([]string, len(f.Calls))
			for j, n := range f.Calls {
				calls[j] = fmt.Sprintf("#%d", n)
			}
			w.f("| %d | %s | %s | %s | %s | %.2f | %s | %s |\n", i+1, escape.Markdown(string(f.Severity)), escape.Markdown(string(f.Type)),
				strings.Join(calls, " "), usd(f.Savings), f.Confidence, escape.Markdown(string(f.Source)), escape.Markdown(f.Title))
		}
		for i, f := range a.Findings {
			w.f("\n### %d. %s\n\n- Calls: %s\n", i+1, escape.Markdown(f.Title), escape.Markdown(callList(f)))
			if f.SuggestedModel != "" {
				w.f("- Suggested model: %s\n", escape.MarkdownCode(f.SuggestedModel))
			}
			w.f("- Why: %s\n- Fix: %s\n", escape.Markdown(f.Explanation), escape.Markdown(f.Recommendation))
		}
	} else {
		w.f("None.\n")
	}
	w.f("\n## Summary\n\n| | |\n|---|---|\n")
	w.f("| Original cost | %s |\n| Optimized cost | %s |\n| Savings | %s (%.1f%%) |\n| Analysis cost | %s |\n",
		escape.Markdown(cost(a.Summary.Original, a.Gaps)), usd(a.Summary.Optimized), usd(a.Summary.Savings), a.Summary.Pct, escape.Markdown(a.analysisCost()))
	w.f("| Verification | %s |\n", escape.Markdown(a.Stats.String()))
	if a.Gate != nil {
		w.f("| CI gate | %s |\n", escape.Markdown(a.gateReason()))
	}
	if len(a.Stats.DroppedFindings) > 0 {
		w.f("\nDropped candidates:\n\n")
		for _, d := range a.Stats.DroppedFindings {
			w.f("- %s\n", escape.Markdown(dropLine(d)))
		}
	}
}

// JSON shapes (documented in analyzer/README.md).
type jsonFinding struct {
	Ordinal         int      `json:"ordinal"`
	Type            string   `json:"type"`
	Severity        string   `json:"severity"`
	Confidence      float64  `json:"confidence"`
	Calls           []int    `json:"calls"`
	SpanIDs         []string `json:"span_ids"`
	Title           string   `json:"title"`
	Explanation     string   `json:"explanation"`
	Recommendation  string   `json:"recommendation"`
	SuggestedModel  string   `json:"suggested_model,omitempty"`
	RemovableTokens int64    `json:"removable_tokens,omitempty"`
	SavingsUSD      string   `json:"savings_usd"`
	Source          string   `json:"source"`
}

type jsonAnalysis struct {
	header
	TraceID      string `json:"trace_id"`
	Workflow     string `json:"workflow"`
	AnalysisID   string `json:"analysis_id,omitempty"`
	Mode         string `json:"mode"`
	Calls        int    `json:"calls"`
	PriceVersion string `json:"price_version"`
	jsonGaps
	Gemini       jsonGemini    `json:"gemini"`
	Findings     []jsonFinding `json:"findings"`
	Verification jsonStats     `json:"verification"`
	Summary      jsonSummary   `json:"summary"`
	Gate         *jsonGate     `json:"gate,omitempty"`
}

type jsonGemini struct {
	Status       string `json:"status"`
	Reason       string `json:"reason,omitempty"`
	Model        string `json:"model,omitempty"`
	Findings     int    `json:"findings"`
	InputTokens  int64  `json:"input_tokens"`
	OutputTokens int64  `json:"output_tokens"`
	CostUSD      string `json:"cost_usd"`
}

type jsonStats struct {
	Input           int            `json:"input"`
	Verified        int            `json:"verified"`
	Merged          int            `json:"merged"`
	Capped          int            `json:"capped"`
	Dropped         map[string]int `json:"dropped"`
	DroppedFindings []jsonDrop     `json:"dropped_findings"`
}

type jsonDrop struct {
	Type   string `json:"type"`
	Calls  []int  `json:"calls"`
	Source string `json:"source"`
	Reason string `json:"reason"`
}

type jsonSummary struct {
	OriginalCostUSD  string  `json:"original_cost_usd"`
	OptimizedCostUSD string  `json:"optimized_cost_usd"`
	SavingsUSD       string  `json:"savings_usd"`
	SavingsPct       float64 `json:"savings_pct"`
	AnalysisCostUSD  string  `json:"analysis_cost_usd"`
}

type jsonGate struct {
	MaxWasteUSD *string  `json:"max_waste_usd,omitempty"`
	MaxWastePct *float64 `json:"max_waste_pct,omitempty"`
	Exceeded    bool     `json:"exceeded"`
	Reason      string   `json:"reason"`
}

func (a *Analysis) json() any {
	j := jsonAnalysis{header: head("analysis"), TraceID: a.TraceID, Workflow: a.Workflow, AnalysisID: a.AnalysisID,
		Mode: a.Mode, Calls: a.Calls, PriceVersion: a.PriceVersion, jsonGaps: gapsJSON(a.Gaps), Findings: []jsonFinding{},
		Gemini: jsonGemini{Status: a.Gemini.Status, Reason: a.Gemini.Reason, Model: a.Gemini.Model, Findings: a.Gemini.Findings,
			InputTokens: a.Gemini.InputTokens, OutputTokens: a.Gemini.OutputTokens, CostUSD: a.Gemini.Cost.String()},
		Verification: jsonStats{Input: a.Stats.Input, Verified: a.Stats.Verified, Merged: a.Stats.Merged, Capped: a.Stats.Capped,
			Dropped: map[string]int{}},
		Summary: jsonSummary{OriginalCostUSD: a.Summary.Original.String(), OptimizedCostUSD: a.Summary.Optimized.String(),
			SavingsUSD: a.Summary.Savings.String(), SavingsPct: round2(a.Summary.Pct), AnalysisCostUSD: a.Gemini.Cost.String()},
	}
	for k, v := range a.Stats.Dropped {
		j.Verification.Dropped[string(k)] = v
	}
	j.Verification.DroppedFindings = []jsonDrop{}
	for _, d := range a.Stats.DroppedFindings {
		calls := d.Calls
		if calls == nil {
			calls = []int{}
		}
		j.Verification.DroppedFindings = append(j.Verification.DroppedFindings, jsonDrop{Type: string(d.Type), Calls: calls,
			Source: string(d.Source), Reason: string(d.Reason)})
	}
	for i, f := range a.Findings {
		j.Findings = append(j.Findings, findingJSON(i+1, f))
	}
	if g := a.Gate; g != nil {
		j.Gate = &jsonGate{MaxWastePct: g.MaxPct, Exceeded: g.Exceeded, Reason: g.Reason}
		if g.MaxUSD != nil {
			s := g.MaxUSD.String()
			j.Gate.MaxWasteUSD = &s
		}
	}
	return j
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// dropLine names a dropped candidate: "model_overkill #2 from gemini: not_cheaper".
func dropLine(d verify.Drop) string {
	calls := make([]string, len(d.Calls))
	for i, n := range d.Calls {
		calls[i] = fmt.Sprintf("#%d", n)
	}
	src := ""
	if d.Source != "" {
		src = " from " + string(d.Source)
	}
	return fmt.Sprintf("%s %s%s: %s", d.Type, strings.Join(calls, ","), src, d.Reason)
}
