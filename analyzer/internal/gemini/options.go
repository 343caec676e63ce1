package gemini

import (
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Defaults of the client.
const (
	// DefaultModel is the Gemini model asked when none is configured.
	DefaultModel = "gemini-2.5-pro"
	// DefaultTimeout bounds one analysis, retries included.
	DefaultTimeout = 3 * time.Minute
	// DefaultMaxAttempts is the number of tries of the request (1 + retries).
	DefaultMaxAttempts = 4
	// DefaultBackoff is the first retry delay; it doubles on each retry.
	DefaultBackoff = time.Second
	// DefaultMaxDelay caps one retry delay, Retry-After included.
	DefaultMaxDelay = 60 * time.Second
	// DefaultBudgetChars bounds the rendered run (about 4 characters per
	// token): 600,000 characters stay below Gemini Pro's 200k-token price
	// tier.
	DefaultBudgetChars = 600_000
	// DefaultMaxPairs is the number of candidate pairs (detect.CandidatePairs)
	// the request asks Gemini to judge for paraphrased redundant calls.
	DefaultMaxPairs = 24
)

type config struct {
	model       string
	apiKey      string
	baseURL     string
	timeout     time.Duration
	maxAttempts int
	backoff     time.Duration
	maxDelay    time.Duration
	httpClient  *http.Client
	prices      *pricing.Table
	render      RenderOptions
	maxPairs    int
	// embedModel, when set, embeds candidate questions (WithEmbeddings).
	embedModel  string
	minEmbedSim float64
	// onRetry, when set, is told about every retry (for progress lines).
	onRetry func(attempt int, status int, wait time.Duration)
}

// Option configures a Client.
type Option func(*config)

// WithModel selects the Gemini model (default DefaultModel).
func WithModel(m string) Option { return func(c *config) { c.model = m } }

// WithAPIKey sets the Gemini API key instead of GEMINI_API_KEY /
// GOOGLE_API_KEY.
func WithAPIKey(k string) Option { return func(c *config) { c.apiKey = k } }

// WithBaseURL points the client at another endpoint (tests use a fake
// server speaking the same REST API).
func WithBaseURL(u string) Option { return func(c *config) { c.baseURL = u } }

// WithTimeout bounds one analysis, retries included (default DefaultTimeout).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithRetry sets the number of attempts, the first backoff delay and the
// cap of one delay.
func WithRetry(attempts int, backoff, maxDelay time.Duration) Option {
	return func(c *config) { c.maxAttempts, c.backoff, c.maxDelay = attempts, backoff, maxDelay }
}

// WithHTTPClient sets the HTTP client whose transport the retrying
// transport wraps.
func WithHTTPClient(h *http.Client) Option { return func(c *config) { c.httpClient = h } }

// WithPrices sets the table that prices the analysis's own token usage
// (default pricing.Default()).
func WithPrices(t *pricing.Table) Option { return func(c *config) { c.prices = t } }

// WithRender sets how the run is rendered (default DefaultRenderOptions).
func WithRender(o RenderOptions) Option { return func(c *config) { c.render = o } }

// WithCandidatePairs sets how many candidate pairs (default
// DefaultMaxPairs) the request lists for Gemini to judge; 0 lists none.
func WithCandidatePairs(n int) Option { return func(c *config) { c.maxPairs = max(n, 0) } }

// WithRetryObserver is called before each retry with the attempt that
// failed, its HTTP status and the wait.
func WithRetryObserver(f func(attempt int, status int, wait time.Duration)) Option {
	return func(c *config) { c.onRetry = f }
}

// Credentials reports whether the environment configures Gemini, and how:
// "gemini-api" (GEMINI_API_KEY or GOOGLE_API_KEY) or "vertex-ai"
// (GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and
// GOOGLE_CLOUD_LOCATION, as the no-credentials message says). The key itself
// is never returned.
func Credentials() (backend string, ok bool) {
	if v := strings.ToLower(os.Getenv("GOOGLE_GENAI_USE_VERTEXAI")); (v == "1" || v == "true") &&
		os.Getenv("GOOGLE_CLOUD_PROJECT") != "" && os.Getenv("GOOGLE_CLOUD_LOCATION") != "" {
		return "vertex-ai", true
	}
	if os.Getenv("GEMINI_API_KEY") != "" || os.Getenv("GOOGLE_API_KEY") != "" {
		return "gemini-api", true
	}
	return "", false
}
