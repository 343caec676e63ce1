package gemini

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
)

// TestEmbeddingsRankPairs: with embeddings, the candidate questions are
// embedded in one batch request before the long-context call, pairs below
// the similarity floor are not sent and the rest carry their similarity,
// most similar first; a failing embedding falls back to the lexical pairs.
func TestEmbeddingsRankPairs(t *testing.T) {
	r, nearMiss, para := paraphraseRun(t)
	hints := detect.Run(r, nil)
	var q, pq string
	for _, p := range detect.CandidatePairs(r) {
		if p.First == para[0] && p.Second == para[1] {
			q, pq = p.FirstQuestion, p.SecondQuestion
		}
	}
	if q == "" {
		t.Fatal("paraphrase pair not among the candidates")
	}
	// A semantic stand-in: the paraphrase embeds as the question it rewords.
	semantic := func(text string) []float32 {
		if strings.TrimSpace(text) == pq {
			text = q
		}
		return geminitest.BagOfWords(text)
	}
	for _, tc := range []struct {
		name         string
		embedder     func(string) []float32
		minSim       float64
		wantNearMiss bool
		wantErr      bool
	}{
		{"paraphrase kept first, near-miss below the floor dropped", semantic, 0.99, false, false},
		{"low floor keeps the near-miss after the paraphrase", semantic, 0.1, true, false},
		{"embedding fails: lexical pairs", func(string) []float32 { return nil }, 0.99, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := geminitest.New(t, geminitest.Reply{Text: `{"findings": []}`})
			srv.SetEmbedder(tc.embedder)
			res, err := newClient(t, srv, WithEmbeddings("", tc.minSim)).Analyze(context.Background(), r, hints)
			if err != nil {
				t.Fatal(err)
			}
			embeds := srv.EmbedRequests()
			if len(embeds) == 0 || !strings.HasSuffix(embeds[0].Path, "/models/"+DefaultEmbeddingModel+":batchEmbedContents") ||
				!strings.Contains(string(embeds[0].Raw), jsonText(pq)) {
				t.Fatalf("embedding requests %+v", embeds)
			}
			if res.EmbeddedTexts == 0 || res.EmbeddingTokens == 0 || res.EmbeddingCost <= 0 || (res.EmbeddingError != "") != tc.wantErr {
				t.Fatalf("embedding usage: %d texts, %d tokens, %s, error %q", res.EmbeddedTexts, res.EmbeddingTokens, res.EmbeddingCost, res.EmbeddingError)
			}
			prompt := fmt.Sprint(srv.Requests()[0].Body["contents"])
			paraLine, nearLine := pairLine(prompt, para[0], para[1]), pairLine(prompt, nearMiss[0], nearMiss[1])
			if tc.wantErr {
				if !strings.Contains(paraLine, " reworded ") || strings.Contains(paraLine, "embedding_sim") || nearLine == "" {
					t.Fatalf("fallback pairs: %q / %q", paraLine, nearLine)
				}
				return
			}
			if !strings.HasPrefix(paraLine, "P1 ") || !strings.Contains(paraLine, "embedding_sim=1.00") {
				t.Fatalf("paraphrase line %q", paraLine)
			}
			if (nearLine != "") != tc.wantNearMiss || tc.wantNearMiss && !strings.Contains(nearLine, "embedding_sim=") {
				t.Fatalf("near-miss line %q, want listed %v", nearLine, tc.wantNearMiss)
			}
		})
	}
}

func TestCosine(t *testing.T) {
	for _, c := range []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{2, 0}, 1},
		{[]float32{1, 0}, []float32{0, 3}, 0},
		{[]float32{1, 1}, []float32{-1, -1}, -1},
		{[]float32{0, 0}, []float32{1, 0}, 0},
		{[]float32{1}, []float32{1, 0}, 0},
	} {
		if got := cosine(c.a, c.b); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("cosine(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
