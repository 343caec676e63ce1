package gemini

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/analyzer/internal/corpus/heldout"
	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// paraphrases reword the held-out generator's four question templates
// without keeping their word order, as a person asking again would.
var paraphrases = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^Can the (.+) be waived when the (.+) arrives late for (.+)\?$`), "If the $2 turns up late for $3, is it possible to waive the $1?"},
	{regexp.MustCompile(`^Who signs off the (.+) if the (.+) is disputed on ticket (\d+)\?$`), "Ticket $3 has the $2 disputed: who has to approve the $1?"},
	{regexp.MustCompile(`^What happens to the (.+) after the (.+) changes at (.+)\?$`), "Once the $2 changes at $3, what becomes of the $1?"},
	{regexp.MustCompile(`^Is a new (.+) needed when the (.+) was already filed in week (\d+)\?$`), "With the $2 already filed in week $3, do we still need a new $1?"},
}

func paraphrase(q string) (string, bool) {
	for _, p := range paraphrases {
		if p.re.MatchString(q) {
			return p.re.ReplaceAllString(q, p.with), true
		}
	}
	return "", false
}

// paraphraseRun returns a held-out run with a generated near-miss (one
// template, another question: template_other_question) to which a later
// call is added that asks the near-miss's first question again in other
// words, with the same record, instructions and agent. It returns the run,
// the near-miss pair and the paraphrased pair.
func paraphraseRun(t *testing.T) (r *run.Run, nearMiss, para [2]int) {
	t.Helper()
	for _, c := range heldout.Generate(heldout.DefaultSeed, heldout.DefaultRuns, nil) {
		if !strings.Contains(c.Name, "template_other_question") {
			continue
		}
		c.Run.Build()
		for _, p := range detect.CandidatePairs(c.Run) {
			if p.Shape != detect.PairSlots {
				continue
			}
			orig := c.Run.Call(p.First)
			msgs, err := detect.ParseMessages(orig.InputMessages)
			if err != nil || len(msgs) == 0 {
				continue
			}
			last := msgs[len(msgs)-1]
			q := last.Parts[len(last.Parts)-1]
			if i := strings.LastIndex(q, "\n\n"); i >= 0 { // one-part dialects join record and question
				q = q[i+2:]
			}
			pq, ok := paraphrase(q)
			if !ok {
				continue
			}
			from, to := jsonText(q), jsonText(pq)
			if !strings.Contains(orig.InputMessages, from) {
				continue
			}
			cl := *orig
			cl.SpanID, cl.PromptHash, cl.PromptSimHash = "f00dfeedf00dfeed", "", 0
			cl.InputMessages = strings.Replace(orig.InputMessages, from, to, 1)
			cl.Timestamp = c.Run.Calls[len(c.Run.Calls)-1].Timestamp.Add(30e9)
			c.Run.Calls = append(c.Run.Calls, &cl)
			c.Run.Build()
			return c.Run, [2]int{p.First, p.Second}, [2]int{p.First, cl.Number}
		}
	}
	t.Fatal("no held-out run with a template near-miss the paraphrases cover")
	return nil, nearMiss, para
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func pairLine(prompt string, a, b int) string {
	re := regexp.MustCompile(fmt.Sprintf(`(?m)^P\d+ #%d~#%d .*$`, a, b))
	return re.FindString(prompt)
}

// TestPromptCandidatePairs: the request Gemini receives lists the
// paraphrased pair, which the detectors do not report, as a reworded
// candidate, and the generated near-miss marked as one template with other
// values, never as reworded; without pairs the request has no pairs
// section and no instruction about it.
func TestPromptCandidatePairs(t *testing.T) {
	r, nearMiss, para := paraphraseRun(t)
	hints := detect.Run(r, nil)
	for _, h := range hints {
		if h.Type == run.Redundant && len(h.Calls) > 1 && h.Calls[len(h.Calls)-1] == para[1] {
			t.Fatalf("the detectors already report the paraphrase: %+v", h)
		}
	}
	srv := geminitest.New(t, geminitest.Reply{Text: `{"findings": []}`})
	for _, tc := range []struct {
		name      string
		opts      []Option
		pair      [2]int
		wantShape string // "" when the pair must not be listed
	}{
		{"paraphrase listed as reworded", nil, para, string(detect.PairReworded)},
		{"near-miss marked as the same template", nil, nearMiss, string(detect.PairSlots)},
		{"pairs off", []Option{WithCandidatePairs(0)}, para, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(srv.Requests())
			res, err := newClient(t, srv, tc.opts...).Analyze(context.Background(), r, hints)
			if err != nil {
				t.Fatal(err)
			}
			prompt := fmt.Sprint(srv.Requests()[n].Body["contents"])
			line := pairLine(prompt, tc.pair[0], tc.pair[1])
			if tc.wantShape == "" {
				sys := fmt.Sprint(srv.Requests()[n].Body["systemInstruction"])
				if line != "" || res.CandidatePairs != 0 || strings.Contains(prompt, "CANDIDATE PAIRS") || strings.Contains(sys, "CANDIDATE PAIRS") {
					t.Fatalf("pairs off: line %q, %d pairs", line, res.CandidatePairs)
				}
				return
			}
			if fields := strings.Fields(line); len(fields) < 3 || fields[2] != tc.wantShape {
				t.Fatalf("pair #%d~#%d: line %q, want shape %s\n%s", tc.pair[0], tc.pair[1], line, tc.wantShape, prompt[strings.Index(prompt, "CANDIDATE PAIRS"):])
			}
			if sys := fmt.Sprint(srv.Requests()[n].Body["systemInstruction"]); res.CandidatePairs == 0 || !strings.Contains(sys, "CANDIDATE PAIRS are") {
				t.Errorf("%d candidate pairs; system instruction explains them: %v", res.CandidatePairs, strings.Contains(sys, "CANDIDATE PAIRS are"))
			}
		})
	}
}

// TestGeminiParaphraseVerified: a redundant_call Gemini reports for the
// paraphrased pair is verified and priced like a detector's — the later
// call's cost is the saving, whatever order Gemini cites the calls in — and
// echoes of the detectors' own findings or a second claim on the same
// call add nothing.
func TestGeminiParaphraseVerified(t *testing.T) {
	r, _, para := paraphraseRun(t)
	hints := detect.Run(r, nil)
	for _, h := range hints {
		for _, n := range h.Calls {
			if n == para[1] {
				t.Fatalf("a detector finding already names the paraphrase call: %+v", h)
			}
		}
	}
	base, _ := verify.Verify(r, hints, nil)
	baseSum := verify.Summarize(r, base)
	later := r.Call(para[1]).Cost
	finding := func(calls ...int) map[string]any {
		return map[string]any{"type": "redundant_call", "calls": calls, "severity": "high", "confidence": 0.8,
			"title": "same question reworded", "explanation": "the later call rewords the earlier question over the same record",
			"recommendation": "serve the later call from the earlier answer", "claimed_savings_usd": 5.0}
	}
	var echoes []map[string]any
	for _, h := range hints {
		echoes = append(echoes, map[string]any{"type": string(h.Type), "calls": h.Calls, "severity": "low", "confidence": 0.5,
			"title": "echo", "explanation": "x", "recommendation": "y", "suggested_model": h.SuggestedModel, "removable_tokens": h.RemovableTokens})
	}
	for _, tc := range []struct {
		name     string
		answer   []map[string]any
		wantMore pricing.USD
	}{
		{"paraphrase pair", []map[string]any{finding(para[0], para[1])}, later},
		{"calls cited later first", []map[string]any{finding(para[1], para[0])}, later},
		{"with the detectors' findings echoed and the pair twice", append(append([]map[string]any{}, echoes...),
			finding(para[0], para[1]), finding(para[1], para[0])), later},
		{"unknown call", []map[string]any{finding(para[0], len(r.Calls)+5)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := geminitest.New(t, geminitest.Reply{Text: geminitest.Findings(tc.answer...)})
			res, err := newClient(t, srv).Analyze(context.Background(), r, hints)
			if err != nil {
				t.Fatal(err)
			}
			found, st := verify.Verify(r, append(append([]run.Finding{}, hints...), res.Findings...), nil)
			sum := verify.Summarize(r, found)
			if got := sum.Savings - baseSum.Savings; got != tc.wantMore {
				t.Fatalf("Gemini added %s of savings, want %s (stats %s)", got, tc.wantMore, st)
			}
			if tc.wantMore == 0 {
				return
			}
			var f *run.Finding
			for i := range found {
				if found[i].Type == run.Redundant && found[i].Calls[len(found[i].Calls)-1] == para[1] {
					f = &found[i]
				}
			}
			if f == nil || f.Source != run.SourceGemini || f.Calls[0] != para[0] || f.Savings != later ||
				len(f.SpanIDs) != 2 || f.SpanIDs[1] != r.Call(para[1]).SpanID {
				t.Fatalf("paraphrase finding %+v (stats %s)", f, st)
			}
		})
	}
}

// TestCorpusRequestCost measures on the fake server, which counts the
// prompt's tokens, what the request sends and costs for every run of both
// corpora with and without candidate pairs; the pairs must stay a small
// share of the request. `go test -run CorpusRequestCost -v` prints the
// numbers recorded in the analyzer README.
func TestCorpusRequestCost(t *testing.T) {
	if testing.Short() {
		t.Skip("tokenizes every corpus request")
	}
	srv := geminitest.New(t, geminitest.Reply{Text: `{"findings": []}`, CountPrompt: true, OutputTokens: 200})
	for _, set := range []struct {
		name  string
		cases []corpus.Case
	}{
		{"first corpus", corpus.Generate(corpus.DefaultSeed, corpus.DefaultRuns, nil)},
		{"held-out corpus", heldout.Generate(heldout.DefaultSeed, heldout.DefaultRuns, nil)},
	} {
		type total struct {
			chars, pairs, runs, embedTexts int
			tokens, embedTokens            int64
			cost, embedCost                pricing.USD
		}
		var off, on, emb total
		for _, c := range set.cases {
			c.Run.Build()
			hints := detect.Run(c.Run, nil)
			for _, x := range []struct {
				t    *total
				opts []Option
			}{{&off, []Option{WithCandidatePairs(0)}}, {&on, nil}, {&emb, []Option{WithEmbeddings("", 0)}}} {
				res, err := newClient(t, srv, x.opts...).Analyze(context.Background(), c.Run, hints)
				if err != nil || res.EmbeddingError != "" {
					t.Fatal(err, res.EmbeddingError)
				}
				x.t.chars += res.RequestChars
				x.t.tokens += res.InputTokens
				x.t.cost += res.Cost
				x.t.pairs += res.CandidatePairs
				x.t.embedTexts += res.EmbeddedTexts
				x.t.embedTokens += res.EmbeddingTokens
				x.t.embedCost += res.EmbeddingCost
				if res.CandidatePairs > 0 {
					x.t.runs++
				}
			}
		}
		share := float64(on.tokens-off.tokens) / float64(off.tokens)
		t.Logf("%s (%d runs): without pairs %d chars, %d prompt tokens, %s; with pairs %d chars, %d prompt tokens, %s (+%.2f %% tokens); %d pairs in %d runs",
			set.name, len(set.cases), off.chars, off.tokens, off.cost, on.chars, on.tokens, on.cost, 100*share, on.pairs, on.runs)
		t.Logf("%s with embeddings (bag-of-words stand-in, floor %.2f): %d texts embedded, %d tokens, %s; then %d prompt tokens, %s; %d pairs in %d runs",
			set.name, DefaultMinEmbeddingSim, emb.embedTexts, emb.embedTokens, emb.embedCost, emb.tokens, emb.cost, emb.pairs, emb.runs)
		if on.tokens < off.tokens || share > 0.06 {
			t.Errorf("%s: pairs change the prompt by %+.2f %% of its tokens, want 0..6 %%", set.name, 100*share)
		}
		if emb.embedTexts == 0 || emb.embedCost <= 0 || emb.pairs > on.pairs {
			t.Errorf("%s: embeddings sent %d texts for %s and kept %d of %d pairs", set.name, emb.embedTexts, emb.embedCost, emb.pairs, on.pairs)
		}
	}
}

// BenchmarkCandidatePairs times the pairs the request adds (detect's
// analysis of every call, then the bounded comparisons) on synthetic runs
// with 2 KB of content per call.
func BenchmarkCandidatePairs(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run("calls="+strconv.Itoa(n), func(b *testing.B) {
			r := storetest.Synthetic("0af7651916cd43dd8448eb211c80319c", n, 2048)
			r.Build()
			pairs := 0
			for b.Loop() {
				pairs = len(candidatePairs(r, nil, DefaultMaxPairs))
			}
			b.ReportMetric(float64(pairs), "pairs")
		})
	}
}
