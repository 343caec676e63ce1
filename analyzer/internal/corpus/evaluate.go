package corpus

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Score is the accuracy of one finding type over the corpus.
type Score struct {
	Type run.Type
	// Findings is the number of verified findings; TruePositives how many
	// of them match a label.
	Findings, TruePositives int
	// Labels is the number of planted instances; Found how many of them
	// the findings recover.
	Labels, Found int
}

// Precision is TruePositives/Findings (1 when there are no findings).
func (s Score) Precision() float64 { return ratio(s.TruePositives, s.Findings) }

// Recall is Found/Labels (1 when there are no labels).
func (s Score) Recall() float64 { return ratio(s.Found, s.Labels) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Mistake is a false positive or a missed label, for diagnosis.
type Mistake struct {
	Case  string
	Kind  string // "false positive" or "missed"
	Type  run.Type
	Calls []int
}

// Accuracy is the result of Evaluate.
type Accuracy struct {
	Runs, CleanRuns int
	Scores          []Score // in run.Types order
	Mistakes        []Mistake
}

// Evaluate runs detect.Run then verify.Verify on every case and scores the
// verified findings against the labels (matching rule in the package
// comment).
func Evaluate(cases []Case, prices *pricing.Table, opts ...detect.Option) Accuracy {
	acc := Accuracy{Runs: len(cases)}
	scores := map[run.Type]*Score{}
	for _, t := range run.Types {
		scores[t] = &Score{Type: t}
	}
	for _, c := range cases {
		if len(c.Labels) == 0 {
			acc.CleanRuns++
		}
		found, _ := verify.Verify(c.Run, detect.Run(c.Run, prices, opts...), prices)
		covered := make([][]int, len(c.Labels))
		for _, f := range found {
			s := scores[f.Type]
			s.Findings++
			hit := false
			for i, l := range c.Labels {
				if l.Type == f.Type && overlap(f.Calls, l.Calls)*2 >= len(f.Calls) {
					hit = true
					covered[i] = append(covered[i], f.Calls...)
				}
			}
			if hit {
				s.TruePositives++
			} else {
				acc.Mistakes = append(acc.Mistakes, Mistake{c.Name, "false positive", f.Type, f.Calls})
			}
		}
		for i, l := range c.Labels {
			s := scores[l.Type]
			s.Labels++
			if overlap(uniq(covered[i]), l.Calls)*2 >= len(l.Calls) {
				s.Found++
			} else {
				acc.Mistakes = append(acc.Mistakes, Mistake{c.Name, "missed", l.Type, l.Calls})
			}
		}
	}
	for _, t := range run.Types {
		acc.Scores = append(acc.Scores, *scores[t])
	}
	return acc
}

// overlap counts the calls of a that are in b.
func overlap(a, b []int) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}

func uniq(xs []int) []int {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// Markdown renders the accuracy table.
func (a Accuracy) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Corpus: %d runs (%d clean), generator version %d, seed %d.\n\n", a.Runs, a.CleanRuns, Version, DefaultSeed)
	b.WriteString("| type | findings | true positives | labels | found | precision | recall |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	var tot Score
	for _, s := range a.Scores {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.3f | %.3f |\n", s.Type, s.Findings, s.TruePositives, s.Labels, s.Found, s.Precision(), s.Recall())
		tot.Findings += s.Findings
		tot.TruePositives += s.TruePositives
		tot.Labels += s.Labels
		tot.Found += s.Found
	}
	fmt.Fprintf(&b, "| **all** | %d | %d | %d | %d | %.3f | %.3f |\n", tot.Findings, tot.TruePositives, tot.Labels, tot.Found, tot.Precision(), tot.Recall())
	if len(a.Mistakes) > 0 {
		b.WriteString("\nMistakes:\n\n")
		for _, m := range a.Mistakes {
			fmt.Fprintf(&b, "- %s: %s %s, calls %v\n", m.Case, m.Kind, m.Type, m.Calls)
		}
	}
	return b.String()
}
