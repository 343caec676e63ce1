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
	// Name describes the corpus in the report.
	Name            string
	Runs, CleanRuns int
	Scores          []Score // in run.Types order
	Mistakes        []Mistake
	// Dollars compares verified savings with planted waste.
	Dollars Dollars
	// CleanFindings counts findings on runs without labels.
	CleanFindings int
	// Semantic is the semantic waste (paraphrases), left out of Scores'
	// labels and of Dollars.
	Semantic Semantic
}

// Semantic counts the labels only a semantic judge can see and what the
// offline findings recover of them anyway.
type Semantic struct {
	// Labels and Planted are the semantic labels and their planted waste;
	// Found how many the findings recover and Claimed the savings they
	// verify on them (at most each label's waste).
	Labels, Found    int
	Planted, Claimed pricing.USD
}

// Dollars is the money side of the accuracy: what the verified findings
// claim against what was planted.
type Dollars struct {
	// Planted is the sum of the labels' Waste; Labeled says whether every
	// label of the corpus carries one (else the ratio is not reported).
	Planted pricing.USD
	Labeled bool
	// Claimed is the verified savings of findings matching a label, in
	// proportion to the finding's calls labels of its type cover, at most
	// the label's planted Waste; OverClaimed the rest: savings on calls with
	// no planted waste of that type, and claims beyond a label's Waste.
	Claimed, OverClaimed pricing.USD
}

// SavingsShare is Claimed/Planted (0 without planted dollars).
func (d Dollars) SavingsShare() float64 {
	if d.Planted <= 0 {
		return 0
	}
	return float64(d.Claimed) / float64(d.Planted)
}

// OverClaimShare is OverClaimed / (Claimed + OverClaimed).
func (d Dollars) OverClaimShare() float64 {
	if t := d.Claimed + d.OverClaimed; t > 0 {
		return float64(d.OverClaimed) / float64(t)
	}
	return 0
}

// Evaluate runs detect.Run then verify.Verify on every case and scores the
// verified findings against the labels (matching rule in the package
// comment).
func Evaluate(cases []Case, prices *pricing.Table, opts ...detect.Option) Accuracy {
	acc := Accuracy{Runs: len(cases), Name: fmt.Sprintf("first corpus: generator version %d, seed %d", Version, DefaultSeed)}
	acc.Dollars.Labeled = true
	scores := map[run.Type]*Score{}
	for _, t := range run.Types {
		scores[t] = &Score{Type: t}
	}
	for _, c := range cases {
		if len(c.Labels) == 0 {
			acc.CleanRuns++
		}
		found, _ := verify.Verify(c.Run, detect.Run(c.Run, prices, opts...), prices)
		if len(c.Labels) == 0 {
			acc.CleanFindings += len(found)
		}
		covered := make([][]int, len(c.Labels))
		credit := make([]pricing.USD, len(c.Labels)) // savings claimed per label
		for _, f := range found {
			s := scores[f.Type]
			s.Findings++
			hit := -1
			var onLabel []int
			for i, l := range c.Labels {
				if l.Type == f.Type && overlap(f.Calls, l.Calls)*2 >= len(f.Calls) {
					if hit < 0 {
						hit = i
					}
					covered[i] = append(covered[i], f.Calls...)
				}
				if l.Type == f.Type {
					onLabel = append(onLabel, l.Calls...)
				}
			}
			// Savings are split over the finding's calls: the share on
			// calls a label of the type covers is claimed, the rest over-claimed.
			share := pricing.USD(0)
			if hit >= 0 {
				share = f.Savings * pricing.USD(overlap(f.Calls, uniq(onLabel))) / pricing.USD(len(f.Calls))
				credit[hit] += share
			}
			acc.Dollars.OverClaimed += f.Savings - share
			if hit >= 0 {
				s.TruePositives++
			} else {
				acc.Mistakes = append(acc.Mistakes, Mistake{c.Name, "false positive", f.Type, f.Calls})
			}
		}
		for i, l := range c.Labels {
			// More than the planted waste of a label is an over-claim too.
			if l.Waste > 0 && credit[i] > l.Waste {
				acc.Dollars.OverClaimed += credit[i] - l.Waste
				credit[i] = l.Waste
			}
			found := overlap(uniq(covered[i]), l.Calls)*2 >= len(l.Calls)
			// Offline rules are not expected to see a paraphrase: what
			// they find of one is counted apart, neither recall nor loss.
			if l.Semantic {
				acc.Semantic.Labels++
				acc.Semantic.Planted += l.Waste
				acc.Semantic.Claimed += credit[i]
				if found {
					acc.Semantic.Found++
				}
				continue
			}
			acc.Dollars.Claimed += credit[i]
			acc.Dollars.Planted += l.Waste
			if l.Waste <= 0 {
				acc.Dollars.Labeled = false
			}
			s := scores[l.Type]
			s.Labels++
			if found {
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
	fmt.Fprintf(&b, "Corpus: %s — %d runs (%d clean).\n\n", a.Name, a.Runs, a.CleanRuns)
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
	d := a.Dollars
	fmt.Fprintf(&b, "\nFindings on clean runs: %d.\n", a.CleanFindings)
	if d.Labeled && d.Planted > 0 {
		fmt.Fprintf(&b, "\nDollars: planted waste %s, verified savings on planted calls %s (**%.1f %%** of planted), over-claimed (calls without planted waste of that type, or beyond a label's planted amount) %s (**%.1f %%** of claimed savings).\n",
			d.Planted.String(), d.Claimed.String(), 100*d.SavingsShare(), d.OverClaimed.String(), 100*d.OverClaimShare())
	} else {
		fmt.Fprintf(&b, "\nDollars: labels carry no planted amounts; verified savings on labeled calls %s, on calls without planted waste of that type %s (%.1f %% of claimed savings).\n",
			d.Claimed.String(), d.OverClaimed.String(), 100*d.OverClaimShare())
	}
	if sm := a.Semantic; sm.Labels > 0 {
		fmt.Fprintf(&b, "\nSemantic paraphrases (not in the table or the dollars above; for the Gemini path): %d planted, $%s; offline found %d (expected 0), claiming $%s.\n",
			sm.Labels, sm.Planted.String(), sm.Found, sm.Claimed.String())
	}
	if len(a.Mistakes) > 0 {
		b.WriteString("\nMistakes:\n\n")
		for _, m := range a.Mistakes {
			fmt.Fprintf(&b, "- %s: %s %s, calls %v\n", m.Case, m.Kind, m.Type, m.Calls)
		}
	}
	return b.String()
}
