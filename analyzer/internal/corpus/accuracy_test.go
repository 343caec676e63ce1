package corpus_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/analyzer/internal/corpus/heldout"
)

const accuracyFile = "testdata/accuracy.md"

// Gates. The first corpus keeps the bars it was built with; the held-out
// corpus (never used to choose thresholds) must meet issue 14's targets.
const (
	minPrecision = 0.9
	minRecall    = 0.85

	targetPrecision = 0.95
	targetRecall    = 0.9
	targetSavings   = 0.9
	maxOverClaim    = 0.05
)

// geminiSection explains the Gemini-path table (TestGeminiPairsListed).
const geminiSection = "Offline rules cannot see a question asked again in other words; the Gemini request must point Gemini at it. " +
	"The request `gemini.Client.Analyze` sends for every run (to the fake server, the detectors' findings as hints) " +
	"is read for its CANDIDATE PAIRS: a paraphrase is recalled when its pair is listed, whatever the shape it is listed with; " +
	"near-misses (one wording with other values, or two questions about the same things) are listed for Gemini to reject. " +
	"This measures what Gemini is shown, not its judgement.\n"

// TestAccuracy measures precision and recall per type, findings on clean
// runs and the dollar metric of detect+verify on the frozen first corpus
// and on the held-out corpus, and how the Gemini request lists the
// held-out paraphrases, and writes them into testdata/accuracy.md.
func TestAccuracy(t *testing.T) {
	cases, err := corpus.Decode(corpus.Frozen(t))
	if err != nil {
		t.Fatal(err)
	}
	first := corpus.Evaluate(cases, nil)
	heldCases, stressCases := heldout.Generate(heldout.DefaultSeed, heldout.DefaultRuns, nil), heldout.Generate(99, 400, nil)
	held := corpus.Evaluate(heldCases, nil)
	held.Name = "held-out corpus (package heldout, written apart from the rules; thresholds not tuned on it), seed 7140014"
	// The 72-run sample is small: a larger draw of the same generator shows
	// the rates the sample may hide.
	stress := corpus.Evaluate(stressCases, nil)
	stress.Name = "held-out generator, 400 runs, seed 99 (same generator, larger sample)"
	md := "# Detector accuracy\n\nWritten by `go test ./analyzer/internal/corpus -run TestAccuracy`.\n" +
		"Targets (issue 14): per type precision ≥ 0.95 and recall ≥ 0.9 (semantic paraphrases excepted offline), savings ≥ 90 % of planted dollars (semantic excepted), over-claims ≤ 5 %, no finding on a clean run.\n\n" +
		"## First corpus\n\n" + first.Markdown() + "\n## Held-out corpus\n\n" + held.Markdown() +
		"\n## Held-out generator, larger sample\n\n" + stress.Markdown() +
		"\n## Semantic paraphrases on the Gemini path\n\n" + geminiSection +
		"\nHeld-out corpus (72 runs):\n\n" + measurePairs(t, heldCases).markdown() +
		"\nHeld-out generator, 400 runs, seed 99:\n\n" + measurePairs(t, stressCases).markdown()
	if err := os.WriteFile(filepath.Clean(accuracyFile), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + md)
	for _, s := range first.Scores {
		if s.Precision() < minPrecision || s.Recall() < minRecall {
			t.Errorf("first corpus %s: precision %.3f recall %.3f, want ≥ %.2f / ≥ %.2f", s.Type, s.Precision(), s.Recall(), minPrecision, minRecall)
		}
		if s.Labels == 0 {
			t.Errorf("%s: no labels in the corpus", s.Type)
		}
	}
	if first.CleanFindings > 0 {
		t.Errorf("first corpus: %d findings on clean runs", first.CleanFindings)
	}
	for _, a := range []corpus.Accuracy{held, stress} {
		for _, s := range a.Scores {
			if s.Precision() < targetPrecision || s.Recall() < targetRecall {
				t.Errorf("%s, %s: precision %.3f recall %.3f, want ≥ %.2f / ≥ %.2f", a.Name, s.Type, s.Precision(), s.Recall(), targetPrecision, targetRecall)
			}
		}
		if d := a.Dollars; d.SavingsShare() < targetSavings || d.OverClaimShare() > maxOverClaim {
			t.Errorf("%s: savings %.3f of planted (want ≥ %.2f), over-claims %.3f (want ≤ %.2f)", a.Name, d.SavingsShare(), targetSavings, d.OverClaimShare(), maxOverClaim)
		}
		if a.CleanFindings > 0 {
			t.Errorf("%s: %d findings on clean runs", a.Name, a.CleanFindings)
		}
	}
}
