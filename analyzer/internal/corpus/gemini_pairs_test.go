package corpus_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/analyzer/internal/corpus/heldout"
	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// pairShapes are the shapes a listed pair can have, in report order.
var pairShapes = []string{string(detect.PairReworded), string(detect.PairSlots), string(detect.PairOtherData), string(detect.PairOtherQuestion)}

// listing is how the Gemini request lists one paraphrase scenario's pair.
type listing struct {
	run   string
	pair  [2]int
	shape string // "" when the request does not list the pair
}

// pairRecall is how the Gemini requests of a corpus list its paraphrase
// scenarios' pairs: the semantic labels and the near-misses (two other
// questions over the same material).
type pairRecall struct {
	semantic, nearMiss []listing
	// listed counts every pair the corpus's requests list, by shape, and
	// rewordedSemantic the reworded ones that are a semantic label's.
	listed                 map[string]int
	runs, rewordedSemantic int
	// embedded counts the semantic labels still listed with embeddings
	// (the fake server's bag-of-words stand-in, default floor).
	embedded int
}

// pairLine matches a CANDIDATE PAIRS line: number, calls, shape.
var pairLine = regexp.MustCompile(`(?m)^P\d+ #(\d+)~#(\d+) (\S+)`)

// measurePairs sends every run of cases to a fake Gemini server as gemini.Client.Analyze does, with the detectors'
// findings as hints, and reads the candidate pairs off the request.
func measurePairs(t *testing.T, cases []corpus.Case) pairRecall {
	t.Helper()
	srv := geminitest.New(t, geminitest.Reply{Text: `{"findings": []}`})
	client, err := gemini.New(context.Background(), gemini.WithAPIKey("test-key"), gemini.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	embedding, err := gemini.New(context.Background(), gemini.WithAPIKey("test-key"), gemini.WithBaseURL(srv.URL), gemini.WithEmbeddings("", 0))
	if err != nil {
		t.Fatal(err)
	}
	out := pairRecall{listed: map[string]int{}, runs: len(cases)}
	for _, c := range cases {
		var sem []corpus.Label
		for _, l := range c.Labels {
			if l.Semantic {
				sem = append(sem, l)
			}
		}
		near := strings.Contains(c.Name, "paraphrase_pool_")
		hints := detect.Run(c.Run, nil)
		n := len(srv.Requests())
		if _, err := client.Analyze(context.Background(), c.Run, hints); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if len(sem) > 0 {
			res, err := embedding.Analyze(context.Background(), c.Run, hints)
			if err != nil || res.EmbeddingError != "" {
				t.Fatalf("%s: %v %s", c.Name, err, res.EmbeddingError)
			}
			for _, m := range pairLine.FindAllStringSubmatch(fmt.Sprint(srv.Requests()[n+1].Body["contents"]), -1) {
				if slices.ContainsFunc(sem, func(l corpus.Label) bool { return fmt.Sprint(l.Calls[0]) == m[1] && fmt.Sprint(l.Calls[1]) == m[2] }) {
					out.embedded++
				}
			}
		}
		listed := map[[2]int]string{}
		for _, m := range pairLine.FindAllStringSubmatch(fmt.Sprint(srv.Requests()[n].Body["contents"]), -1) {
			var a, b int
			fmt.Sscan(m[1], &a)
			fmt.Sscan(m[2], &b)
			listed[[2]int{a, b}] = m[3]
			out.listed[m[3]]++
			if m[3] == string(detect.PairReworded) && slices.ContainsFunc(sem, func(l corpus.Label) bool { return l.Calls[0] == a && l.Calls[1] == b }) {
				out.rewordedSemantic++
			}
		}
		for _, l := range sem {
			p := [2]int{l.Calls[0], l.Calls[1]}
			out.semantic = append(out.semantic, listing{c.Name, p, listed[p]})
		}
		if near {
			p := lastPair(c.Run)
			out.nearMiss = append(out.nearMiss, listing{c.Name, p, listed[p]})
		}
	}
	return out
}

// lastPair is the pair of the scenario a held-out run ends with: its last
// call and the call before, or the one before that when an unrelated
// dispatcher call came between.
func lastPair(r *run.Run) [2]int {
	n := len(r.Calls)
	first := n - 1
	if r.Call(first).Agent == "dispatcher" {
		first--
	}
	return [2]int{first, n}
}

// byShape counts listings per shape ("" for not listed).
func byShape(ls []listing) map[string]int {
	out := map[string]int{}
	for _, l := range ls {
		out[l.shape]++
	}
	return out
}

func (p pairRecall) markdown() string {
	var b strings.Builder
	row := func(name string, ls []listing) {
		c := byShape(ls)
		fmt.Fprintf(&b, "| %s | %d | %d (%.3f) |", name, len(ls), len(ls)-c[""], 1-float64(c[""])/float64(max(len(ls), 1)))
		for _, s := range pairShapes {
			fmt.Fprintf(&b, " %d |", c[s])
		}
		b.WriteString("\n")
	}
	b.WriteString("| pairs | planted | listed (recall) | " + strings.Join(pairShapes, " | ") + " |\n|---|---:|---:|---:|---:|---:|---:|\n")
	row("paraphrases (semantic labels)", p.semantic)
	var values, other []listing
	for _, l := range p.nearMiss {
		if strings.Contains(l.run, "paraphrase_pool_other_values") {
			values = append(values, l)
		} else {
			other = append(other, l)
		}
	}
	row("near-misses: one wording, other values", values)
	row("near-misses: another question about the same things", other)
	fmt.Fprintf(&b, "\nAll candidate pairs the %d requests list: ", p.runs)
	for i, s := range pairShapes {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", p.listed[s], s)
	}
	fmt.Fprintf(&b, "; %d of the %d `reworded` are paraphrases.\n", p.rewordedSemantic, p.listed[string(detect.PairReworded)])
	fmt.Fprintf(&b, "With `WithEmbeddings` and the fake server's bag-of-words stand-in (floor %.2f), %d of the %d paraphrases are still listed: the stand-in measures shared words, not meaning, so the floor keeps only what a real embedding model scores as similar (unmeasured without a key).\n",
		gemini.DefaultMinEmbeddingSim, p.embedded, len(p.semantic))
	for _, l := range p.semantic {
		if l.shape == "" {
			fmt.Fprintf(&b, "- %s: paraphrase #%d~#%d not listed\n", l.run, l.pair[0], l.pair[1])
		}
	}
	return b.String()
}

// TestGeminiPairsListed: for every held-out run with a semantic label, the
// Gemini request lists that label's pair among its candidate pairs, and the
// near-misses' pairs are listed too (Gemini is to tell them apart).
func TestGeminiPairsListed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		seed      uint64
		runs      int
		minListed int // semantic labels the corpus must plant
	}{
		{"held-out corpus", heldout.DefaultSeed, heldout.DefaultRuns, 15},
		{"held-out draw of 400 runs", 99, 400, 90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := measurePairs(t, heldout.Generate(tc.seed, tc.runs, nil))
			if len(p.semantic) < tc.minListed || len(p.nearMiss) == 0 {
				t.Fatalf("%d semantic labels, %d near-misses", len(p.semantic), len(p.nearMiss))
			}
			for _, l := range p.semantic {
				if l.shape == "" {
					t.Errorf("%s: paraphrase #%d~#%d not among the candidate pairs", l.run, l.pair[0], l.pair[1])
				}
			}
			for _, l := range p.nearMiss {
				if l.shape == "" {
					t.Errorf("%s: near-miss #%d~#%d not among the candidate pairs", l.run, l.pair[0], l.pair[1])
				}
			}
			t.Logf("semantic %v, near-miss %v", byShape(p.semantic), byShape(p.nearMiss))
			if slices.ContainsFunc(p.semantic, func(l listing) bool { return l.pair[0] >= l.pair[1] }) {
				t.Error("a semantic label's calls are not in order")
			}
		})
	}
}
