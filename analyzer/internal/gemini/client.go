package gemini

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/genai"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Client asks Gemini for findings about runs.
// A Client is safe for concurrent use; each Analyze reports its own
// attempts.
type Client struct {
	cfg   config
	genai *genai.Client
}

// New creates a client. Credentials come from WithAPIKey, else from the
// SDK's environment (GEMINI_API_KEY, GOOGLE_API_KEY, or Vertex AI's
// GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION).
func New(ctx context.Context, opts ...Option) (*Client, error) {
	cfg := config{model: DefaultModel, timeout: DefaultTimeout, maxAttempts: DefaultMaxAttempts,
		backoff: DefaultBackoff, maxDelay: DefaultMaxDelay, render: DefaultRenderOptions(), maxPairs: DefaultMaxPairs}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.prices == nil {
		cfg.prices = pricing.Default()
	}
	if cfg.maxAttempts < 1 {
		cfg.maxAttempts = 1
	}
	base := http.DefaultTransport
	if cfg.httpClient != nil && cfg.httpClient.Transport != nil {
		base = cfg.httpClient.Transport
	}
	rt := &retryTransport{base: base, maxAttempts: cfg.maxAttempts, backoff: cfg.backoff, maxDelay: cfg.maxDelay, onRetry: cfg.onRetry}
	cc := &genai.ClientConfig{APIKey: cfg.apiKey, HTTPClient: &http.Client{Transport: rt}}
	if cfg.apiKey != "" {
		cc.Backend = genai.BackendGeminiAPI
	}
	if cfg.baseURL != "" {
		cc.HTTPOptions.BaseURL = cfg.baseURL
	}
	c, err := genai.NewClient(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("create Gemini client: %w", err)
	}
	return &Client{cfg: cfg, genai: c}, nil
}

// Model returns the Gemini model the client asks.
func (c *Client) Model() string { return c.cfg.model }

// Result is the outcome of one Gemini analysis.
type Result struct {
	// Findings are Gemini's findings, unverified (Savings zero).
	Findings []run.Finding
	// Model is the model that answered (the response's model version when
	// reported).
	Model string
	// InputTokens and OutputTokens are the request's usage (output includes
	// thinking tokens); Cost prices them with the client's table.
	InputTokens, OutputTokens int64
	Cost                      pricing.USD
	CostStatus                pricing.Status
	// Attempts is the number of HTTP requests this analysis made
	// (1 + retries), whatever other analyses the client runs at the same
	// time.
	Attempts int
	// RequestChars is the size of the rendered prompt (system instruction
	// and user text).
	RequestChars int
	// CandidatePairs is the number of call pairs the request asked Gemini
	// to judge for paraphrased redundant calls.
	CandidatePairs int
	// EmbeddedTexts, EmbeddingTokens and EmbeddingCost are what embedding
	// the candidate questions sent and cost (WithEmbeddings; tokens counted
	// offline, the API reports none); EmbeddingError says why the lexical
	// ranking was used instead. The embedding requests count in Attempts.
	EmbeddedTexts   int
	EmbeddingTokens int64
	EmbeddingCost   pricing.USD
	EmbeddingError  string
	// Elapsed is the wall time of the request, retries included.
	Elapsed time.Duration
}

// Analyze sends one GenerateContent request about r with the detectors'
// findings as hints and the candidate pairs (detect.CandidatePairs) not
// already hinted, for Gemini to judge as paraphrases — with WithEmbeddings,
// those whose questions' embeddings are similar. The returned Result is non-nil even on error, carrying
// what is known (attempts, request size, usage when the answer arrived but
// did not parse).
func (c *Client) Analyze(ctx context.Context, r *run.Run, hints []run.Finding) (*Result, error) {
	res := &Result{Model: c.cfg.model}
	pool := c.pairPool(r, hints)
	runText := Render(r, c.cfg.render)
	start := time.Now()
	ctx, attempts := withAttemptCounter(ctx)
	ctx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	pairs := c.listPairs(ctx, pool, res)
	prompt := userPrompt(r, runText, hints, pairs)
	instruction := instructionFor(len(pairs))
	res.RequestChars, res.CandidatePairs = len(instruction)+len(prompt), len(pairs)
	temp := float32(0)
	resp, err := c.genai.Models.GenerateContent(ctx, c.cfg.model, genai.Text(prompt), &genai.GenerateContentConfig{
		SystemInstruction: genai.NewContentFromText(instruction, genai.RoleUser),
		Temperature:       &temp,
		ResponseMIMEType:  "application/json",
		ResponseSchema:    responseSchema(),
	})
	res.Attempts, res.Elapsed = attempts.load(), time.Since(start)
	if err != nil {
		return res, c.describe(ctx, err, res.Attempts)
	}
	c.usage(res, resp)
	text := resp.Text()
	if text == "" {
		return res, fmt.Errorf("Gemini returned no text (%s)", finishReason(resp))
	}
	if res.Findings, err = parseFindings(text); err != nil {
		return res, err
	}
	return res, nil
}

// pairPool returns the lexical candidate pairs the request chooses from:
// as many as it lists, or embedPoolFactor times more to re-rank by
// embeddings.
func (c *Client) pairPool(r *run.Run, hints []run.Finding) []detect.Pair {
	n := c.cfg.maxPairs
	if c.cfg.embedModel != "" {
		n *= embedPoolFactor
	}
	return candidatePairs(r, hints, n)
}

// listPairs chooses the candidate pairs the request lists: the best of
// the lexical pool, or with embeddings its most similar, recording the
// embedding's usage in res.
func (c *Client) listPairs(ctx context.Context, pool []detect.Pair, res *Result) []listedPair {
	if c.cfg.embedModel == "" || len(pool) == 0 {
		return lexical(pool)
	}
	ranked, u, err := c.rankByEmbeddings(ctx, pool)
	res.EmbeddedTexts, res.EmbeddingTokens, res.EmbeddingCost = u.texts, u.tokens, u.cost
	if err != nil {
		res.EmbeddingError = err.Error()
		return lexical(pool[:min(len(pool), c.cfg.maxPairs)])
	}
	return ranked[:min(len(ranked), c.cfg.maxPairs)]
}

func (c *Client) usage(res *Result, resp *genai.GenerateContentResponse) {
	if resp.ModelVersion != "" {
		res.Model = resp.ModelVersion
	}
	u := resp.UsageMetadata
	if u == nil {
		return
	}
	thoughts := int64(u.ThoughtsTokenCount)
	res.InputTokens = int64(u.PromptTokenCount) + int64(u.ToolUsePromptTokenCount)
	res.OutputTokens = int64(u.CandidatesTokenCount) + thoughts
	cost := c.cfg.prices.Price("gcp.gemini", c.cfg.model, pricing.Usage{InputTokens: res.InputTokens,
		OutputTokens: res.OutputTokens, CacheReadTokens: int64(u.CachedContentTokenCount), ReasoningTokens: thoughts})
	res.Cost, res.CostStatus = cost.Total, cost.Status
}

// describe turns a request error into a message saying what happened.
func (c *Client) describe(ctx context.Context, err error, attempts int) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("Gemini did not answer within %s (%d attempt(s))", c.cfg.timeout, attempts)
	}
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		return fmt.Errorf("Gemini %s answered HTTP %d %s after %d attempt(s): %s", c.cfg.model, apiErr.Code, apiErr.Status, attempts, head(apiErr.Message, 300))
	}
	return fmt.Errorf("Gemini request failed after %d attempt(s): %w", attempts, err)
}

func finishReason(resp *genai.GenerateContentResponse) string {
	if resp.PromptFeedback != nil && resp.PromptFeedback.BlockReason != "" {
		return "prompt blocked: " + string(resp.PromptFeedback.BlockReason)
	}
	if len(resp.Candidates) > 0 && resp.Candidates[0].FinishReason != "" {
		return "finish reason " + string(resp.Candidates[0].FinishReason)
	}
	return "no candidates"
}
