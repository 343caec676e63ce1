package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/escape"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// Show is the output of `kaizen show`: a run as a tree.
type Show struct {
	Run   *run.Run
	Roots []*run.Span
}

// WriteShow renders r (already built: roots from run.Run.Build).
func WriteShow(out io.Writer, f Format, r *run.Run, roots []*run.Span) error {
	return render(out, f, &Show{Run: r, Roots: roots})
}

// totals sums the run's input and output tokens; bad counts the counts
// the store held out of range and any that would overflow the sum, each
// counted as 0.
func (s *Show) totals() (total int64, bad int) {
	bad = s.Run.BadTokenCounts()
	for _, c := range s.Run.Calls {
		for _, n := range []int64{c.Usage.InputTokens, c.Usage.OutputTokens} {
			var ok bool
			if total, ok = run.AddTokens(total, n); !ok {
				bad++
			}
		}
	}
	return total, bad
}

// spanLine renders one span of the tree as text, every stored string
// escaped (escape.Text).
func spanLine(sp *run.Span) string {
	if c := sp.Call; c != nil {
		line := fmt.Sprintf("#%d %s %s/%s · in %d out %d", c.Number, escape.Text(c.Operation), escape.Text(c.Provider),
			escape.Text(c.Model()), c.Usage.InputTokens, c.Usage.OutputTokens)
		if c.Usage.CacheReadTokens > 0 {
			line += fmt.Sprintf(" (cache read %d)", c.Usage.CacheReadTokens)
		}
		if len(c.BadTokenCounts) > 0 {
			line += " · unreadable " + strings.Join(c.BadTokenCounts, ", ") + " counted as 0"
		}
		line += fmt.Sprintf(" · %s · %s", usd(c.Cost), Duration(c.Duration))
		if c.PriceStatus != "" && c.PriceStatus != "priced" {
			line += " · " + escape.Text(string(c.PriceStatus))
		}
		if c.Failed() {
			line += " · ERROR " + escape.Text(c.ErrorType)
		}
		return line
	}
	line := escape.Text(sp.Name)
	if line == "" {
		line = "(unnamed span)"
	}
	line += " · " + Duration(sp.Duration)
	if sp.StatusCode == "Error" {
		line += " · ERROR"
	}
	return line
}

func (s *Show) walk(visit func(sp *run.Span, depth int)) {
	var rec func(sp *run.Span, depth int)
	rec = func(sp *run.Span, depth int) {
		visit(sp, depth)
		for _, c := range sp.Children {
			rec(c, depth+1)
		}
	}
	for _, r := range s.Roots {
		rec(r, 0)
	}
}

func (s *Show) text(w *writer) {
	r := s.Run
	w.f("Trace %s · workflow \"%s\" · %d calls · %s tokens · %s · %s\n\n", escape.Text(r.TraceID), escape.Text(r.Workflow), len(r.Calls),
		tokens(s.totals()), cost(r.TotalCost(), r.PriceGaps()), Duration(r.End.Sub(r.Start)))
	s.walk(func(sp *run.Span, depth int) { w.f("%s%s\n", strings.Repeat("  ", depth), spanLine(sp)) })
}

func (s *Show) markdown(w *writer) {
	r := s.Run
	w.f("# Trace %s\n\n- Workflow: %s\n- Calls: %d\n- Tokens: %s\n- Cost: %s\n\n", escape.MarkdownCode(r.TraceID), escape.Markdown(r.Workflow),
		len(r.Calls), escape.Markdown(tokens(s.totals())), escape.Markdown(cost(r.TotalCost(), r.PriceGaps())))
	s.walk(func(sp *run.Span, depth int) {
		w.f("%s- %s\n", strings.Repeat("  ", depth), escape.Markdown(spanLine(sp)))
	})
}

type jsonSpan struct {
	SpanID     string      `json:"span_id"`
	Name       string      `json:"name"`
	Operation  string      `json:"operation,omitempty"`
	Agent      string      `json:"agent,omitempty"`
	Tool       string      `json:"tool,omitempty"`
	Start      time.Time   `json:"start"`
	DurationMS float64     `json:"duration_ms"`
	Status     string      `json:"status"`
	Call       *jsonCall   `json:"call,omitempty"`
	Children   []*jsonSpan `json:"children"`
}

type jsonCall struct {
	Number          int      `json:"number"`
	Provider        string   `json:"provider"`
	Model           string   `json:"model"`
	InputTokens     int64    `json:"input_tokens"`
	OutputTokens    int64    `json:"output_tokens"`
	CacheReadTokens int64    `json:"cache_read_tokens"`
	CostUSD         string   `json:"cost_usd"`
	PriceStatus     string   `json:"price_status"`
	FinishReasons   []string `json:"finish_reasons"`
	ErrorType       string   `json:"error_type,omitempty"`
	BadTokenCounts  []string `json:"bad_token_counts,omitempty"`
}

func toJSONSpan(sp *run.Span) *jsonSpan {
	j := &jsonSpan{SpanID: sp.SpanID, Name: sp.Name, Operation: sp.Operation, Agent: sp.Agent, Tool: sp.Tool, Start: sp.Start.UTC(),
		DurationMS: float64(sp.Duration.Microseconds()) / 1000, Status: sp.StatusCode, Children: []*jsonSpan{}}
	if c := sp.Call; c != nil {
		fr := c.FinishReasons
		if fr == nil {
			fr = []string{}
		}
		j.Call = &jsonCall{Number: c.Number, Provider: c.Provider, Model: c.Model(), InputTokens: c.Usage.InputTokens,
			OutputTokens: c.Usage.OutputTokens, CacheReadTokens: c.Usage.CacheReadTokens, CostUSD: c.Cost.String(),
			PriceStatus: string(c.PriceStatus), FinishReasons: fr, ErrorType: c.ErrorType, BadTokenCounts: c.BadTokenCounts}
	}
	for _, ch := range sp.Children {
		j.Children = append(j.Children, toJSONSpan(ch))
	}
	return j
}

func (s *Show) json() any {
	r := s.Run
	out := struct {
		header
		TraceID  string `json:"trace_id"`
		Workflow string `json:"workflow"`
		Calls    int    `json:"calls"`
		Tokens   int64  `json:"tokens"`
		Bad      int    `json:"bad_token_counts,omitempty"`
		CostUSD  string `json:"cost_usd"`
		jsonGaps
		Spans []*jsonSpan `json:"spans"`
	}{header: head("run"), TraceID: r.TraceID, Workflow: r.Workflow, Calls: len(r.Calls),
		CostUSD: r.TotalCost().String(), jsonGaps: gapsJSON(r.PriceGaps()), Spans: []*jsonSpan{}}
	out.Tokens, out.Bad = s.totals()
	for _, root := range s.Roots {
		out.Spans = append(out.Spans, toJSONSpan(root))
	}
	return out
}
