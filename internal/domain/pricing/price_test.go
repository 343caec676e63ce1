package pricing

import (
	"strings"
	"testing"
	"time"
)

// TestCostMatrix checks hand-computed costs against genai-prices' data (and
// Kaizen's overlay). Per-token prices in pico-dollars are the per-million
// price × 1e6 (e.g. $2.50/M = 2.5e6 p/token). Calls are made at matrixTime
// unless a case sets Usage.Time, so that daily windows and start dates do
// not depend on when the test runs.
func TestCostMatrix(t *testing.T) {
	const B = 1_000_000_000 // 1e9 pico = $0.001
	matrixTime := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	offPeak := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	beforeCut := time.Date(2025, 6, 9, 23, 59, 59, 0, time.UTC)
	cutDay := time.Date(2025, 6, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name            string
		provider, model string
		u               Usage
		total, input    int64
		status          Status
		reason          string
	}{
		{"openai plain", "openai", "gpt-4o", Usage{InputTokens: 1000, OutputTokens: 200}, 4.5 * B, 2.5 * B, StatusPriced, ""},
		{"dated snapshot alias", "openai", "gpt-4o-2024-08-06", Usage{InputTokens: 1000, OutputTokens: 200}, 4.5 * B, 2.5 * B, StatusPriced, ""},
		{"snapshot with own price", "openai", "gpt-4o-2024-05-13", Usage{InputTokens: 1000, OutputTokens: 200}, 8 * B, 5 * B, StatusPriced, ""},
		{"openai cache read half price", "openai", "gpt-4o", Usage{InputTokens: 1000, CacheReadTokens: 800}, 1.5 * B, 1.5 * B, StatusPriced, ""},
		{"openai batch 50%", "openai", "gpt-4o-mini", Usage{InputTokens: 1e6, OutputTokens: 1e6, Batch: true}, 375 * B, 75 * B, StatusPriced, ""},
		{"reasoning billed as output", "openai", "o3-mini", Usage{InputTokens: 100, OutputTokens: 1000, ReasoningTokens: 800}, 4.51 * B, 0.11 * B, StatusPriced, ""},
		{"o1", "openai", "o1-2024-12-17", Usage{InputTokens: 10, OutputTokens: 10}, 0.75 * B, 0.15 * B, StatusPriced, ""},
		{"embeddings", "openai", "text-embedding-3-small", Usage{InputTokens: 1e6}, 20 * B, 20 * B, StatusPriced, ""},
		{"embedding with output tokens", "openai", "text-embedding-3-large", Usage{InputTokens: 1000, OutputTokens: 5}, 0.13 * B, 0.13 * B, StatusPartial, ReasonNoOutput},
		{"anthropic 5m cache write", "anthropic", "claude-sonnet-4-5", Usage{InputTokens: 10000, CacheWriteTokens: 4000, OutputTokens: 1000}, 48 * B, 33 * B, StatusPriced, ""},
		{"anthropic 1h cache write", "anthropic", "claude-sonnet-4-5-20250929", Usage{InputTokens: 10000, CacheWriteTokens: 4000, CacheWrite1hTokens: 4000, OutputTokens: 1000}, 57 * B, 42 * B, StatusPriced, ""},
		{"anthropic mixed 5m and 1h", "anthropic", "claude-sonnet-4-5", Usage{InputTokens: 10000, CacheWriteTokens: 4000, CacheWrite1hTokens: 1000, OutputTokens: 1000}, 50.25 * B, 35.25 * B, StatusPriced, ""},
		{"anthropic cache read 10%", "anthropic", "claude-sonnet-4-5", Usage{InputTokens: 10000, CacheReadTokens: 9000, OutputTokens: 100}, 7.2 * B, 5.7 * B, StatusPriced, ""},
		{"anthropic raw usage excludes cache", "anthropic", "claude-sonnet-4-5", Usage{InputTokens: 100, CacheReadTokens: 9000, OutputTokens: 100}, 4.5 * B, 3 * B, StatusPriced, ReasonInputExclusive},
		// genai-prices prices Sonnet 4 without a long-context tier (its 1M context is a beta).
		{"sonnet 4 above 200k: no tier", "anthropic", "claude-sonnet-4-20250514", Usage{InputTokens: 300000, OutputTokens: 1000}, 915 * B, 900 * B, StatusPriced, ""},
		{"sonnet 4 at tier boundary", "anthropic", "claude-sonnet-4", Usage{InputTokens: 200000}, 600 * B, 600 * B, StatusPriced, ""},
		{"gemini pro base tier", "gcp.gemini", "gemini-2.5-pro", Usage{InputTokens: 100000, OutputTokens: 10000}, 225 * B, 125 * B, StatusPriced, ""},
		{"gemini pro above 200k", "gcp.gemini", "gemini-2.5-pro", Usage{InputTokens: 250000, OutputTokens: 10000}, 775 * B, 625 * B, StatusPriced, ""},
		{"gemini pro above 200k cached", "gcp.vertex_ai", "gemini-2.5-pro", Usage{InputTokens: 250000, CacheReadTokens: 200000, OutputTokens: 10000}, 325 * B, 175 * B, StatusPriced, ""},
		{"vertex resource path", "gcp.vertex_ai", "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash", Usage{InputTokens: 1000, OutputTokens: 1000}, 2.8 * B, 0.3 * B, StatusPriced, ""},
		{"gemini api path batch", "gcp.gemini", "models/gemini-2.5-flash", Usage{InputTokens: 1000, OutputTokens: 1000, Batch: true}, 1.4 * B, 0.15 * B, StatusPriced, ""},
		{"gemini preview thinking billed as output", "gcp.gemini", "gemini-2.5-flash-preview-04-17", Usage{InputTokens: 1000, OutputTokens: 1000, ReasoningTokens: 600}, 0.75 * B, 0.15 * B, StatusPriced, ""},
		{"gemini output excludes thoughts", "gcp.gemini", "gemini-2.5-flash", Usage{InputTokens: 1000, OutputTokens: 100, ReasoningTokens: 500}, 1.8 * B, 0.3 * B, StatusPriced, ReasonOutputExcl},
		{"bedrock id", "aws.bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", Usage{InputTokens: 1000, OutputTokens: 1000}, 4.8 * B, 0.8 * B, StatusPriced, ""},
		{"vertex claude @version", "gcp.vertex_ai", "claude-3-5-sonnet-v2@20241022", Usage{InputTokens: 1000, OutputTokens: 100}, 4.5 * B, 3 * B, StatusPriced, ""},
		{"mistral dated", "mistral_ai", "mistral-large-2411", Usage{InputTokens: 1000, OutputTokens: 1000}, 8 * B, 2 * B, StatusPriced, ""},
		// DeepSeek bills standard rates 00:30-16:30 UTC and off-peak rates otherwise.
		{"deepseek cache hit", "deepseek", "deepseek-chat", Usage{InputTokens: 10000, CacheReadTokens: 6000, OutputTokens: 1000}, 2.6 * B, 1.5 * B, StatusPriced, ""},
		{"deepseek off-peak window", "deepseek", "deepseek-chat", Usage{InputTokens: 10000, CacheReadTokens: 6000, OutputTokens: 1000, Time: offPeak}, 1.3 * B, 0.75 * B, StatusPriced, ""},
		{"deepseek via openai sdk", "openai", "deepseek-reasoner", Usage{InputTokens: 1000, OutputTokens: 1000}, 2.74 * B, 0.55 * B, StatusPriced, ""},
		{"o3 before its price cut", "openai", "o3-2025-04-16", Usage{InputTokens: 1000, OutputTokens: 100, Time: beforeCut}, 14 * B, 10 * B, StatusPriced, ""},
		{"o3 on the day of its price cut", "openai", "o3", Usage{InputTokens: 1000, OutputTokens: 100, Time: cutDay}, 2.8 * B, 2 * B, StatusPriced, ""},
		{"grok 4 above 128k: no tier", "x_ai", "grok-4-0709", Usage{InputTokens: 200000, OutputTokens: 1000}, 615 * B, 600 * B, StatusPriced, ""},
		{"batch without discount", "x_ai", "grok-3-mini", Usage{InputTokens: 1000, OutputTokens: 1000, Batch: true}, 0.8 * B, 0.3 * B, StatusPartial, ReasonNoBatch},
		{"groq llama", "groq", "llama-3.3-70b-versatile", Usage{InputTokens: 1e6, OutputTokens: 1e6}, 1380 * B, 590 * B, StatusPriced, ""},
		{"groq gpt-oss", "groq", "openai/gpt-oss-120b", Usage{InputTokens: 1000, OutputTokens: 1000}, 0.75 * B, 0.15 * B, StatusPriced, ""},
		{"cache read without price", "groq", "llama-3.3-70b-versatile", Usage{InputTokens: 1000, CacheReadTokens: 500}, 0.59 * B, 0.59 * B, StatusPartial, ReasonNoCacheRead},
		{"azure alias", "azure.ai.openai", "gpt-4.1-mini", Usage{InputTokens: 1000, OutputTokens: 1000}, 2 * B, 0.4 * B, StatusPriced, ""},
		{"batch with cache read", "anthropic", "claude-haiku-4-5", Usage{InputTokens: 10000, CacheReadTokens: 8000, OutputTokens: 1000, Batch: true}, 3.9 * B, 1.4 * B, StatusPriced, ""},
		{"unknown model", "openai", "gpt-unknown-9", Usage{InputTokens: 10, OutputTokens: 10}, 0, 0, StatusUnpriced, ReasonUnknownModel},
		{"fine-tuned model by its rule", "openai", "ft:gpt-4o-mini-2024-07-18:acme::abc", Usage{InputTokens: 10}, 0.003 * B, 0.003 * B, StatusPriced, ""},
		{"unknown fine-tune not guessed", "openai", "ft:acme-private-1:acme::abc", Usage{InputTokens: 10}, 0, 0, StatusUnpriced, ReasonUnknownModel},
		{"missing usage", "openai", "gpt-4o", Usage{}, 0, 0, StatusUnpriced, ReasonNoUsage},
		{"missing model", "openai", "", Usage{InputTokens: 10}, 0, 0, StatusUnpriced, ReasonNoModel},
		{"negative usage", "openai", "gpt-4o", Usage{InputTokens: -1}, 0, 0, StatusUnpriced, ReasonNegativeUsage},
		{"overflow", "anthropic", "claude-opus-4-1", Usage{InputTokens: 1 << 62, OutputTokens: 1 << 62}, 0, 0, StatusUnpriced, ReasonOverflow},
	}
	tb := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.u.Time.IsZero() {
				tt.u.Time = matrixTime
			}
			c := tb.Price(tt.provider, tt.model, tt.u)
			if int64(c.Total) != tt.total || int64(c.Input) != tt.input || c.Status != tt.status {
				t.Errorf("got total %s input %s status %s (%s), want total %s input %s status %s",
					c.Total, c.Input, c.Status, c.Reason, USD(tt.total), USD(tt.input), tt.status)
			}
			if c.Total != c.Input+c.Output {
				t.Errorf("total %s != input %s + output %s", c.Total, c.Input, c.Output)
			}
			if !strings.Contains(c.Reason, tt.reason) || (tt.reason == "" && c.Reason != "") {
				t.Errorf("reason %q, want %q", c.Reason, tt.reason)
			}
			if c.Version != tb.Version() {
				t.Errorf("version %q", c.Version)
			}
		})
	}
}

func TestWhatIfAndModels(t *testing.T) {
	tb := Default()
	u := Usage{InputTokens: 10000, OutputTokens: 1000}
	cur := tb.Price("openai", "gpt-4o", u)
	var cheapest *Model
	var best Cost
	for _, m := range tb.Models("openai") {
		if m.Kind != KindChat {
			continue
		}
		c := tb.PriceModel(m, u)
		if cheapest == nil || c.Total < best.Total {
			cheapest, best = m, c
		}
	}
	if cheapest.Name != "gpt-oss-20b" || best.Total >= cur.Total { // genai-prices lists gpt-oss under openai
		t.Fatalf("cheapest %s %s vs %s", cheapest.Name, best.Total, cur.Total)
	}
	if n := len(tb.Models("gcp.vertex_ai")); n == 0 || n != len(tb.Models("gcp.gemini")) {
		t.Errorf("provider alias models: %d", n)
	}
	if len(tb.Models("")) < 60 {
		t.Errorf("only %d models", len(tb.Models("")))
	}
}
