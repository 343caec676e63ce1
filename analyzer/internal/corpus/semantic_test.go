package corpus_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/analyzer/internal/corpus/heldout"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// TestEvaluateSemantic: a label marked semantic leaves recall and the
// planted dollars, whether the offline findings recover it or not, and a
// finding on its calls stays a true positive without an over-claim.
func TestEvaluateSemantic(t *testing.T) {
	var dup, para corpus.Case
	for _, c := range heldout.Generate(heldout.DefaultSeed, heldout.DefaultRuns, nil) {
		if strings.Contains(c.Name, "same_request_resampled") && len(c.Labels) == 1 && dup.Run == nil {
			dup = c
		}
		if len(c.Labels) > 0 && c.Labels[len(c.Labels)-1].Semantic && para.Run == nil {
			para = c
		}
	}
	if dup.Run == nil || para.Run == nil {
		t.Fatal("no held-out run with only a same_request_resampled label, or none with a paraphrase")
	}
	marked := func(c corpus.Case) corpus.Case {
		c.Labels = slices.Clone(c.Labels)
		c.Labels[len(c.Labels)-1].Semantic = true
		return c
	}
	for _, tc := range []struct {
		name                 string
		c                    corpus.Case
		labels, tp, semFound int
		semantic             int
	}{
		{"offline duplicate", dup, 1, 1, 0, 0},
		{"offline duplicate marked semantic", marked(dup), 0, 1, 1, 1},
		{"paraphrase", para, 0, 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := corpus.Evaluate([]corpus.Case{tc.c}, nil)
			s := a.Scores[slices.IndexFunc(a.Scores, func(s corpus.Score) bool { return s.Type == run.Redundant })]
			waste := tc.c.Labels[len(tc.c.Labels)-1].Waste
			if s.Labels != tc.labels || s.TruePositives != tc.tp || s.Findings != tc.tp || a.Semantic.Labels != tc.semantic || a.Semantic.Found != tc.semFound {
				t.Fatalf("redundant %+v, semantic %+v", s, a.Semantic)
			}
			var offline pricing.USD
			for _, l := range tc.c.Labels {
				if !l.Semantic {
					offline += l.Waste
				}
			}
			if a.Dollars.Planted != offline || a.Semantic.Planted != pricing.USD(tc.semantic)*waste {
				t.Fatalf("planted %s (want %s), semantic planted %s", a.Dollars.Planted, offline, a.Semantic.Planted)
			}
			if a.Dollars.OverClaimed != 0 || tc.semFound > 0 && a.Semantic.Claimed != waste {
				t.Fatalf("over-claimed %s, semantic claimed %s of %s", a.Dollars.OverClaimed, a.Semantic.Claimed, waste)
			}
			for _, m := range a.Mistakes {
				t.Errorf("mistake %+v", m)
			}
		})
	}
}
