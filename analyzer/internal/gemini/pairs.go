package gemini

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// maxQuoteBytes bounds each question quoted in a candidate pair; the
// calls' full content is in the CALLS section.
const maxQuoteBytes = 120

// candidatePairs returns at most max of r's candidate pairs
// (detect.CandidatePairs, best first), leaving out pairs a
// duplicate-family hint already names together: Gemini sees those as
// hints.
func candidatePairs(r *run.Run, hints []run.Finding, max int) []detect.Pair {
	if max <= 0 {
		return nil
	}
	var out []detect.Pair
	for _, p := range detect.CandidatePairs(r) {
		if hinted(hints, p.First, p.Second) {
			continue
		}
		if out = append(out, p); len(out) == max {
			break
		}
	}
	return out
}

// lexical lists pairs without embedding similarities.
func lexical(pairs []detect.Pair) []listedPair {
	out := make([]listedPair, len(pairs))
	for i, p := range pairs {
		out[i] = listedPair{p, -1}
	}
	return out
}

// hinted reports whether a redundant, loop or retry hint names both calls.
func hinted(hints []run.Finding, a, b int) bool {
	for _, h := range hints {
		switch h.Type {
		case run.Redundant, run.Loop, run.RetryWaste:
			if slices.Contains(h.Calls, a) && slices.Contains(h.Calls, b) {
				return true
			}
		}
	}
	return false
}

// writePairs writes the CANDIDATE PAIRS section, nothing without pairs: per pair the calls, its
// shape, the agents when they differ, the similarities (the embeddings'
// when computed), and what differs
// between the questions: both quoted when reworded, else the content words
// only one has (their full text is in CALLS).
func writePairs(b *strings.Builder, r *run.Run, pairs []listedPair) {
	if len(pairs) == 0 {
		return
	}
	b.WriteString("\nCANDIDATE PAIRS (judge each for redundant_call)\n")
	for i, p := range pairs {
		fmt.Fprintf(b, "P%d #%d~#%d %s", i+1, p.First, p.Second, p.Shape)
		if a1, a2 := r.Call(p.First).Agent, r.Call(p.Second).Agent; a1 != a2 {
			fmt.Fprintf(b, " agents=%q,%q", a1, a2)
		}
		if p.ContextSim >= 0 {
			fmt.Fprintf(b, " context_sim=%.2f", p.ContextSim)
		}
		fmt.Fprintf(b, " question_sim=%.2f", p.QuestionSim)
		if p.embedSim >= 0 {
			fmt.Fprintf(b, " embedding_sim=%.2f", p.embedSim)
		}
		b.WriteString(": ")
		switch p.Shape {
		case detect.PairOtherData:
			b.WriteString("the same question; the contexts differ\n")
		case detect.PairSlots, detect.PairOtherQuestion:
			fmt.Fprintf(b, "only #%d has %q, only #%d has %q\n", p.First, strings.Join(p.OnlyFirst, " "), p.Second, strings.Join(p.OnlySecond, " "))
		default:
			fmt.Fprintf(b, "#%d asks %q; #%d asks %q\n", p.First, clip(p.FirstQuestion, maxQuoteBytes), p.Second, clip(p.SecondQuestion, maxQuoteBytes))
		}
	}
}

// clip returns s on one line, cut to about n bytes on a rune boundary with
// an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	h, _ := cutRunes(s, n, 0)
	return h + "…"
}
