package report

import (
	"fmt"
	"io"

	"github.com/kaizenhq/kaizen/analyzer/internal/diff"
	"github.com/kaizenhq/kaizen/analyzer/internal/escape"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Diff is the output of `kaizen diff`.
type Diff struct{ *diff.Result }

// WriteDiff renders a comparison of two runs.
func WriteDiff(out io.Writer, f Format, r *diff.Result) error { return render(out, f, Diff{r}) }

func delta(a, b pricing.USD) string {
	d := b - a
	if d > 0 {
		return "+" + usd(d)
	}
	return usd(d)
}

func (d Diff) text(w *writer) {
	r := d.Result
	w.f("A %s · workflow \"%s\" · %d calls · %d tokens · %s\n", escape.Text(r.TraceIDs[0]), escape.Text(r.Workflows[0]),
		r.Totals[0].Calls, r.Totals[0].Tokens, cost(r.Totals[0].Cost, r.Gaps[0]))
	w.f("B %s · workflow \"%s\" · %d calls · %d tokens · %s\n", escape.Text(r.TraceIDs[1]), escape.Text(r.Workflows[1]),
		r.Totals[1].Calls, r.Totals[1].Tokens, cost(r.Totals[1].Cost, r.Gaps[1]))
	for _, t := range []struct {
		title string
		lines []diff.Line
	}{{"Per agent", r.Agents}, {"Per model", r.Models}} {
		w.f("\n%s\n%-36s  %13s  %13s  %13s  %13s\n", t.title, "", "calls A → B", "tokens A", "tokens B", "cost A → B")
		for _, l := range t.lines {
			w.f("%-36s  %13s  %13d  %13d  %s → %s (%s)\n", escape.Text(l.Key), fmt.Sprintf("%d → %d", l.Sides[0].Calls, l.Sides[1].Calls),
				l.Sides[0].Tokens, l.Sides[1].Tokens, usd(l.Sides[0].Cost), usd(l.Sides[1].Cost), delta(l.Sides[0].Cost, l.Sides[1].Cost))
		}
	}
	w.f("\nFindings of A: %d, gone in B: %d\n", len(r.FindingsA), r.Gone())
	for _, c := range r.FindingsA {
		state := "gone"
		if c.Matched {
			state = "STILL IN B"
		}
		w.f("  %-10s  %-17s  %s  %s (%s)\n", state, c.Finding.Type, usd(c.Finding.Savings), escape.Text(c.Finding.Title), escape.Text(diff.AgentList(c.Agents)))
	}
	for _, c := range r.NewInB {
		w.f("  %-10s  %-17s  %s  %s (%s)\n", "new in B", c.Finding.Type, usd(c.Finding.Savings), escape.Text(c.Finding.Title), escape.Text(diff.AgentList(c.Agents)))
	}
	w.f("\nPredicted saving for A: %s (%s)\n", usd(r.Predicted.Savings), escape.Text(r.Predicted.Source))
	w.f("Realized saving A → B:  %s (%.1f%% of the prediction)\n", usd(r.Realized()), r.RealizedPct())
}

func (d Diff) markdown(w *writer) {
	r := d.Result
	w.f("# Diff %s → %s\n\n| | A | B |\n|---|---|---|\n", escape.MarkdownCode(r.TraceIDs[0]), escape.MarkdownCode(r.TraceIDs[1]))
	w.f("| Workflow | %s | %s |\n| Calls | %d | %d |\n| Tokens | %d | %d |\n| Cost | %s | %s |\n",
		escape.Markdown(r.Workflows[0]), escape.Markdown(r.Workflows[1]), r.Totals[0].Calls, r.Totals[1].Calls,
		r.Totals[0].Tokens, r.Totals[1].Tokens, escape.Markdown(cost(r.Totals[0].Cost, r.Gaps[0])), escape.Markdown(cost(r.Totals[1].Cost, r.Gaps[1])))
	for _, t := range []struct {
		title string
		lines []diff.Line
	}{{"Per agent", r.Agents}, {"Per model", r.Models}} {
		w.f("\n## %s\n\n| | Calls A | Calls B | Tokens A | Tokens B | Cost A | Cost B | Δ |\n|---|---|---|---|---|---|---|---|\n", t.title)
		for _, l := range t.lines {
			w.f("| %s | %d | %d | %d | %d | %s | %s | %s |\n", escape.Markdown(l.Key), l.Sides[0].Calls, l.Sides[1].Calls,
				l.Sides[0].Tokens, l.Sides[1].Tokens, usd(l.Sides[0].Cost), usd(l.Sides[1].Cost), delta(l.Sides[0].Cost, l.Sides[1].Cost))
		}
	}
	w.f("\n## Findings of A (%d, gone in B: %d)\n\n| In B | Type | Saving | Finding | Agents |\n|---|---|---|---|---|\n", len(r.FindingsA), r.Gone())
	for _, c := range r.FindingsA {
		state := "gone"
		if c.Matched {
			state = "**still there**"
		}
		w.f("| %s | %s | %s | %s | %s |\n", state, c.Finding.Type, usd(c.Finding.Savings), escape.Markdown(c.Finding.Title), escape.Markdown(diff.AgentList(c.Agents)))
	}
	for _, c := range r.NewInB {
		w.f("| new | %s | %s | %s | %s |\n", c.Finding.Type, usd(c.Finding.Savings), escape.Markdown(c.Finding.Title), escape.Markdown(diff.AgentList(c.Agents)))
	}
	w.f("\n- Predicted saving for A: %s (%s)\n- Realized saving A → B: %s (%.1f%% of the prediction)\n",
		usd(r.Predicted.Savings), escape.Markdown(r.Predicted.Source), usd(r.Realized()), r.RealizedPct())
}

type jsonTotals struct {
	TraceID  string `json:"trace_id"`
	Workflow string `json:"workflow"`
	Calls    int    `json:"calls"`
	Tokens   int64  `json:"tokens"`
	CostUSD  string `json:"cost_usd"`
	jsonGaps
}

type jsonLine struct {
	Key     string `json:"key"`
	CallsA  int    `json:"calls_a"`
	CallsB  int    `json:"calls_b"`
	TokensA int64  `json:"tokens_a"`
	TokensB int64  `json:"tokens_b"`
	CostA   string `json:"cost_a_usd"`
	CostB   string `json:"cost_b_usd"`
	Delta   string `json:"delta_usd"`
}

type jsonChange struct {
	jsonFinding
	Agents  []string `json:"agents"`
	InOther bool     `json:"in_other_run"`
}

func (d Diff) json() any {
	r := d.Result
	lines := func(ls []diff.Line) []jsonLine {
		out := []jsonLine{}
		for _, l := range ls {
			out = append(out, jsonLine{Key: l.Key, CallsA: l.Sides[0].Calls, CallsB: l.Sides[1].Calls, TokensA: l.Sides[0].Tokens,
				TokensB: l.Sides[1].Tokens, CostA: l.Sides[0].Cost.String(), CostB: l.Sides[1].Cost.String(),
				Delta: (l.Sides[1].Cost - l.Sides[0].Cost).String()})
		}
		return out
	}
	changes := func(cs []diff.Change) []jsonChange {
		out := []jsonChange{}
		for i, c := range cs {
			out = append(out, jsonChange{jsonFinding: findingJSON(i+1, c.Finding), Agents: c.Agents, InOther: c.Matched})
		}
		return out
	}
	var sides [2]jsonTotals
	for i := range sides {
		sides[i] = jsonTotals{TraceID: r.TraceIDs[i], Workflow: r.Workflows[i], Calls: r.Totals[i].Calls, Tokens: r.Totals[i].Tokens,
			CostUSD: r.Totals[i].Cost.String(), jsonGaps: gapsJSON(r.Gaps[i])}
	}
	return struct {
		header
		A                jsonTotals   `json:"a"`
		B                jsonTotals   `json:"b"`
		Agents           []jsonLine   `json:"agents"`
		Models           []jsonLine   `json:"models"`
		FindingsA        []jsonChange `json:"findings_a"`
		GoneInB          int          `json:"gone_in_b"`
		NewInB           []jsonChange `json:"new_in_b"`
		PredictedUSD     string       `json:"predicted_saving_usd"`
		PredictionSource string       `json:"prediction_source"`
		RealizedUSD      string       `json:"realized_saving_usd"`
		RealizedPct      float64      `json:"realized_pct_of_prediction"`
	}{head("diff"), sides[0], sides[1], lines(r.Agents), lines(r.Models), changes(r.FindingsA), r.Gone(), changes(r.NewInB),
		r.Predicted.Savings.String(), r.Predicted.Source, r.Realized().String(), round2(r.RealizedPct())}
}
