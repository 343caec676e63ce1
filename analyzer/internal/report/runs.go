package report

import (
	"fmt"
	"io"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/escape"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
)

// Runs is the output of `kaizen traces`.
type Runs []store.RunSummary

// WriteRuns renders a list of runs.
func WriteRuns(out io.Writer, f Format, runs []store.RunSummary) error {
	return render(out, f, Runs(runs))
}

func lastAnalysis(r store.RunSummary) (status, savings string) {
	if r.LastAnalysis == nil {
		return "-", "-"
	}
	if r.LastAnalysis.Status != store.StatusAnalyzed {
		return escape.Text(string(r.LastAnalysis.Status)), "-"
	}
	return escape.Text(string(r.LastAnalysis.Status)), usd(r.LastAnalysis.Savings)
}

// tokenCell renders a run's token total for a table: a trailing "!" marks
// a total that counted unreadable counts as 0 (explained by badFootnote).
func tokenCell(r store.RunSummary) string {
	if r.BadTokenCounts > 0 {
		return fmt.Sprintf("%d!", r.Tokens)
	}
	return fmt.Sprintf("%d", r.Tokens)
}

// badFootnote explains the "!" of tokenCell, or is "" when no run has one.
func (rs Runs) badFootnote() string {
	bad := 0
	for _, r := range rs {
		bad += r.BadTokenCounts
	}
	if bad == 0 {
		return ""
	}
	return fmt.Sprintf("! %d token count(s) above %d were unreadable and counted as 0", bad, run.MaxTokens)
}

func (rs Runs) text(w *writer) {
	w.f("%-32s  %-20s  %-20s  %6s  %10s  %-14s  %-9s  %s\n", "TRACE", "WORKFLOW", "START (UTC)", "CALLS", "TOKENS", "COST", "ANALYSIS", "SAVINGS")
	for _, r := range rs {
		st, sav := lastAnalysis(r)
		w.f("%-32s  %-20s  %-20s  %6d  %10s  %-14s  %-9s  %s\n", escape.Text(r.TraceID), escape.Text(r.Workflow), r.Start.UTC().Format(time.DateTime),
			r.Calls, tokenCell(r), cost(r.Cost, r.Gaps), st, sav)
	}
	if len(rs) == 0 {
		w.f("(no runs)\n")
	}
	if note := rs.badFootnote(); note != "" {
		w.f("%s\n", note)
	}
}

func (rs Runs) markdown(w *writer) {
	w.f("| Trace | Workflow | Start (UTC) | Calls | Tokens | Cost | Analysis | Savings |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		st, sav := lastAnalysis(r)
		w.f("| %s | %s | %s | %d | %s | %s | %s | %s |\n", escape.MarkdownCode(r.TraceID), escape.Markdown(r.Workflow), r.Start.UTC().Format(time.DateTime),
			r.Calls, tokenCell(r), escape.Markdown(cost(r.Cost, r.Gaps)), escape.Markdown(st), sav)
	}
	if note := rs.badFootnote(); note != "" {
		w.f("\n%s\n", escape.Markdown(note))
	}
}

type jsonRun struct {
	TraceID   string    `json:"trace_id"`
	Workflow  string    `json:"workflow"`
	Service   string    `json:"service"`
	Start     time.Time `json:"start"`
	Calls     int       `json:"calls"`
	Tokens    int64     `json:"tokens"`
	BadTokens int       `json:"bad_token_counts,omitempty"`
	CostUSD   string    `json:"cost_usd"`
	jsonGaps
	LastAnalysis *jsonLastAnal `json:"last_analysis"`
}

type jsonLastAnal struct {
	AnalysisID string    `json:"analysis_id"`
	Status     string    `json:"status"`
	SavingsUSD string    `json:"savings_usd"`
	UpdatedAt  time.Time `json:"updated_at"`
}

type runsDoc struct {
	header
	Runs []jsonRun `json:"runs"`
}

func (rs Runs) json() any {
	out := runsDoc{header: head("runs"), Runs: []jsonRun{}}
	for _, r := range rs {
		j := jsonRun{TraceID: r.TraceID, Workflow: r.Workflow, Service: r.Service, Start: r.Start.UTC(), Calls: r.Calls,
			Tokens: r.Tokens, BadTokens: r.BadTokenCounts, CostUSD: r.Cost.String(), jsonGaps: gapsJSON(r.Gaps)}
		if a := r.LastAnalysis; a != nil {
			j.LastAnalysis = &jsonLastAnal{AnalysisID: a.AnalysisID, Status: string(a.Status), SavingsUSD: a.Savings.String(), UpdatedAt: a.UpdatedAt.UTC()}
		}
		out.Runs = append(out.Runs, j)
	}
	return out
}
