package gemini

import (
	"context"
	"fmt"
	"math"
	"slices"

	"google.golang.org/genai"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/tokencount"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Embedding defaults.
const (
	// DefaultEmbeddingModel is the embedding model WithEmbeddings uses when
	// given none.
	DefaultEmbeddingModel = "gemini-embedding-001"
	// DefaultMinEmbeddingSim is the cosine similarity of two questions'
	// embeddings below which a candidate pair is not sent.
	DefaultMinEmbeddingSim = 0.8
	// embedPoolFactor × the pair limit is how many lexical candidates are
	// embedded and re-ranked.
	embedPoolFactor = 4
	// geminiAPIBatch is the most texts one batchEmbedContents request
	// carries on the Gemini API; Vertex AI's predict takes one text a
	// request for gemini-embedding-001.
	geminiAPIBatch = 100
)

// WithEmbeddings makes Analyze embed the questions of the candidate pairs
// (with model, DefaultEmbeddingModel when empty) before the long-context
// request, and send only pairs whose questions' cosine similarity reaches
// minSim (DefaultMinEmbeddingSim when not in (0, 1]), most similar first.
// Off by default; an embedding failure falls back to the lexical ranking.
func WithEmbeddings(model string, minSim float64) Option {
	return func(c *config) {
		if model == "" {
			model = DefaultEmbeddingModel
		}
		if minSim <= 0 || minSim > 1 {
			minSim = DefaultMinEmbeddingSim
		}
		c.embedModel, c.minEmbedSim = model, minSim
	}
}

// listedPair is a candidate pair as the request lists it, with the cosine
// similarity of its questions' embeddings (-1 when not embedded).
type listedPair struct {
	detect.Pair
	embedSim float64
}

// embedUsage is what the embedding requests sent and cost.
type embedUsage struct {
	texts, chars int
	tokens       int64
	cost         pricing.USD
}

// rankByEmbeddings embeds the distinct questions of pool and returns the
// pairs whose questions are at least minSim similar, most similar first,
// then the pairs that ask the same question over other data (nothing to
// embed) in their lexical order.
func (c *Client) rankByEmbeddings(ctx context.Context, pool []detect.Pair) ([]listedPair, embedUsage, error) {
	idx := map[string]int{}
	var texts []string
	for _, p := range pool {
		if p.Shape == detect.PairOtherData {
			continue
		}
		for _, t := range []string{p.FirstQuestion, p.SecondQuestion} {
			if _, ok := idx[t]; !ok {
				idx[t] = len(texts)
				texts = append(texts, t)
			}
		}
	}
	vecs, u, err := c.embed(ctx, texts)
	if err != nil {
		return nil, u, err
	}
	var out, same []listedPair
	for _, p := range pool {
		if p.Shape == detect.PairOtherData {
			same = append(same, listedPair{p, -1})
			continue
		}
		if sim := cosine(vecs[idx[p.FirstQuestion]], vecs[idx[p.SecondQuestion]]); sim >= c.cfg.minEmbedSim {
			out = append(out, listedPair{p, sim})
		}
	}
	slices.SortStableFunc(out, func(a, b listedPair) int {
		switch {
		case a.embedSim > b.embedSim:
			return -1
		case a.embedSim < b.embedSim:
			return 1
		}
		return 0
	})
	return append(out, same...), u, nil
}

// embed returns one embedding per text, in batches the backend accepts.
// Token usage is not reported by the Gemini API for embeddings, so it is
// counted offline (o200k_base, as for prompt estimates) and priced with the
// client's table.
func (c *Client) embed(ctx context.Context, texts []string) ([][]float32, embedUsage, error) {
	u := embedUsage{texts: len(texts)}
	for _, t := range texts {
		u.chars += len(t)
		u.tokens += tokencount.Count(tokencount.O200k, t)
	}
	u.cost = c.cfg.prices.Price("gcp.gemini", c.cfg.embedModel, pricing.Usage{InputTokens: u.tokens}).Total
	batch := geminiAPIBatch
	if c.genai.ClientConfig().Backend == genai.BackendVertexAI {
		batch = 1
	}
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += batch {
		chunk := texts[start:min(start+batch, len(texts))]
		contents := make([]*genai.Content, len(chunk))
		for i, t := range chunk {
			contents[i] = genai.NewContentFromText(t, genai.RoleUser)
		}
		resp, err := c.genai.Models.EmbedContent(ctx, c.cfg.embedModel, contents, &genai.EmbedContentConfig{TaskType: "SEMANTIC_SIMILARITY"})
		if err != nil {
			return nil, u, fmt.Errorf("embed %d candidate questions with %s: %w", len(texts), c.cfg.embedModel, err)
		}
		if len(resp.Embeddings) != len(chunk) {
			return nil, u, fmt.Errorf("embed candidate questions with %s: %d embeddings for %d texts", c.cfg.embedModel, len(resp.Embeddings), len(chunk))
		}
		for _, e := range resp.Embeddings {
			if e == nil {
				return nil, u, fmt.Errorf("embed candidate questions with %s: empty embedding", c.cfg.embedModel)
			}
			out = append(out, e.Values)
		}
	}
	return out, u, nil
}

// cosine is the cosine similarity of two vectors (0 when either is zero or
// their lengths differ).
func cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
