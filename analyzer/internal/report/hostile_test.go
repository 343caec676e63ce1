package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/analyzer/internal/whatif"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// hostile is a stored string with every trick the escaper must defeat.
const hostile = "x\x1b[2J\x1b]0;t\x07\ry\u202ez\u0085|`*<b>\u200b"

// TestHostileStrings renders every document with hostile stored strings in
// every field and checks no raw control byte, bidi or format character
// survives in text or Markdown.
func TestHostileStrings(t *testing.T) {
	r := storetest.Build(storetest.SampleTrace, hostile, []storetest.CallSpec{
		{Agent: hostile, Provider: hostile, Model: "gpt-4o", In: 10, Out: 1, ErrorType: hostile},
		{Agent: "a", Provider: "openai", Model: hostile, In: 10, Out: 1},
	})
	for _, sp := range r.Spans {
		sp.Name = hostile
	}
	roots := r.Build()
	a := sampleAnalysis()
	a.Workflow, a.AnalysisID, a.Gemini.Model, a.Gate.Reason = hostile, hostile, hostile, hostile
	for i := range a.Findings {
		f := &a.Findings[i]
		f.Title, f.Explanation, f.Recommendation, f.SuggestedModel = hostile, hostile, hostile, hostile
		f.Type, f.Severity, f.Source = run.Type(hostile), run.Severity(hostile), run.Source(hostile)
		f.SpanIDs = []string{hostile, hostile}
	}
	offline := sampleAnalysis()
	offline.Mode, offline.Gemini = "offline", Gemini{Status: "failed", Reason: hostile}
	runs := []store.RunSummary{{TraceID: hostile, Workflow: hostile, LastAnalysis: &store.AnalysisStatus{Status: store.Status(hostile)}}}
	wi, err := whatif.Model(r, pricing.Default(), "gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]document{
		"analysis": a, "offline": offline, "runs": Runs(runs), "show": &Show{Run: r, Roots: roots},
		"whatif": &WhatIf{TraceID: hostile, Result: wi},
	}
	for name, d := range docs {
		for _, f := range []Format{Text, Markdown} {
			var b bytes.Buffer
			if err := render(&b, f, d); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, bad := range []string{"\x1b", "\r", "\x07", "\u202e", "\u0085", "\u200b"} {
				if strings.Contains(out, bad) {
					t.Errorf("%s %s: raw %q in output:\n%q", name, f, bad, out)
				}
			}
			if !strings.Contains(out, `x\x1b[2J`) && !strings.Contains(out, `x\\x1b\[2J`) {
				t.Errorf("%s %s: escape not visible:\n%s", name, f, out)
			}
			if f == Markdown && (strings.Contains(out, "<b>") || strings.Contains(out, "`*")) {
				t.Errorf("%s markdown: unescaped markup:\n%s", name, out)
			}
		}
	}
}

// TestTokenTotalsNeverWrap feeds counts whose sum overflows int64: the
// overflowing count is left out and flagged, never shown as a wrapped total.
func TestTokenTotalsNeverWrap(t *testing.T) {
	r := storetest.Build(storetest.SampleTrace, "wf", []storetest.CallSpec{
		{Agent: "a", Provider: "openai", Model: "gpt-4o", In: math.MaxInt64 - 10, Out: 5},
		{Agent: "a", Provider: "openai", Model: "gpt-4o", In: 100, Out: 1},
	})
	r.Calls[1].BadTokenCounts = []string{"CacheReadTokens"}
	roots := r.Build()
	s := &Show{Run: r, Roots: roots}
	total, bad := s.totals()
	// MaxInt64-10 + 5 fits, + 100 would overflow (flagged, counted as 0), + 1 fits.
	if total != math.MaxInt64-4 || bad != 2 {
		t.Fatalf("totals = %d, %d bad; want %d, 2", total, bad, int64(math.MaxInt64-4))
	}
	var b bytes.Buffer
	if err := render(&b, Text, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "(2 unreadable token count(s) counted as 0) tokens") || strings.Contains(b.String(), "-92233") {
		t.Errorf("show:\n%s", b.String())
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0ms", 412 * time.Microsecond: "0.412ms", 900 * time.Millisecond: "900ms", 1500 * time.Millisecond: "1.5s",
		123456 * time.Millisecond: "2m3.5s", time.Millisecond: "1ms",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
}
