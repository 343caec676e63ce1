package report

import (
	"fmt"
	"io"

	"github.com/kaizenhq/kaizen/analyzer/internal/escape"
	"github.com/kaizenhq/kaizen/analyzer/internal/whatif"
)

// WhatIf is the output of `kaizen what-if`.
type WhatIf struct {
	TraceID string
	Result  *whatif.Result
}

// WriteWhatIf renders a what-if comparison.
func WriteWhatIf(out io.Writer, f Format, traceID string, res *whatif.Result) error {
	return render(out, f, &WhatIf{TraceID: traceID, Result: res})
}

func (wi *WhatIf) lineAfter(l whatif.Line) string {
	if l.Note != "" {
		return "unchanged: " + escape.Text(l.Note)
	}
	s := usd(l.After)
	if l.NewModel != "" && l.NewModel != l.Model {
		s += " on " + escape.Text(l.NewModel)
	}
	if l.CachedTokens > 0 {
		s += fmt.Sprintf(" (%d tokens from cache)", l.CachedTokens)
	}
	return s
}

func (wi *WhatIf) text(w *writer) {
	r := wi.Result
	w.f("What if: %s — trace %s\n\n%5s  %-28s  %-16s  %s\n", escape.Text(r.Scenario), escape.Text(wi.TraceID), "CALL", "MODEL", "BEFORE", "AFTER")
	for _, l := range r.Lines {
		w.f("%5s  %-28s  %-16s  %s\n", fmt.Sprintf("#%d", l.Call), escape.Text(l.Model), usd(l.Before), wi.lineAfter(l))
	}
	w.f("\nTotal before: %s\nTotal after:  %s\nChange:       %s (%+.1f%%)\n", usd(r.Before), usd(r.After), usd(r.Delta()), r.Pct())
}

func (wi *WhatIf) markdown(w *writer) {
	r := wi.Result
	w.f("# What if: %s\n\nTrace %s\n\n| Call | Model | Before | After |\n|---|---|---|---|\n", escape.Markdown(r.Scenario), escape.MarkdownCode(wi.TraceID))
	for _, l := range r.Lines {
		w.f("| #%d | %s | %s | %s |\n", l.Call, escape.Markdown(l.Model), usd(l.Before), escape.Markdown(wi.lineAfter(l)))
	}
	w.f("\n| Total before | Total after | Change |\n|---|---|---|\n| %s | %s | %s (%+.1f%%) |\n", usd(r.Before), usd(r.After), usd(r.Delta()), r.Pct())
}

func (wi *WhatIf) json() any {
	r := wi.Result
	type line struct {
		Call         int    `json:"call"`
		SpanID       string `json:"span_id"`
		Model        string `json:"model"`
		NewModel     string `json:"new_model,omitempty"`
		BeforeUSD    string `json:"before_usd"`
		AfterUSD     string `json:"after_usd"`
		CachedTokens int64  `json:"cached_tokens,omitempty"`
		Note         string `json:"note,omitempty"`
	}
	out := struct {
		header
		TraceID   string  `json:"trace_id"`
		Scenario  string  `json:"scenario"`
		Calls     []line  `json:"calls"`
		BeforeUSD string  `json:"before_usd"`
		AfterUSD  string  `json:"after_usd"`
		DeltaUSD  string  `json:"delta_usd"`
		DeltaPct  float64 `json:"delta_pct"`
		Unchanged int     `json:"unchanged"`
	}{header: head("what_if"), TraceID: wi.TraceID, Scenario: r.Scenario, Calls: []line{}, BeforeUSD: r.Before.String(),
		AfterUSD: r.After.String(), DeltaUSD: r.Delta().String(), DeltaPct: round2(r.Pct()), Unchanged: r.Unchanged}
	for _, l := range r.Lines {
		out.Calls = append(out.Calls, line{Call: l.Call, SpanID: l.SpanID, Model: l.Model, NewModel: l.NewModel,
			BeforeUSD: l.Before.String(), AfterUSD: l.After.String(), CachedTokens: l.CachedTokens, Note: l.Note})
	}
	return out
}
