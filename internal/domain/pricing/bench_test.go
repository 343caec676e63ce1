package pricing

import (
	"testing"
	"time"
)

// BenchmarkPrice measures one lookup and price over the built-in table, by
// the shape of the model id the processor sees.
func BenchmarkPrice(b *testing.B) {
	t := Default()
	at := time.Date(2025, 6, 9, 12, 0, 0, 0, time.UTC)
	u := Usage{InputTokens: 12000, CacheReadTokens: 8000, OutputTokens: 800, ReasoningTokens: 200}
	for _, bc := range []struct{ name, provider, model string }{
		{"exact", "openai", "gpt-4o"},
		{"snapshot", "openai", "gpt-4o-2024-08-06"},
		{"dated change", "openai", "o3-2025-04-16"},
		{"tiered", "gcp.gemini", "gemini-2.5-pro"},
		{"unknown", "openai", "not-a-model"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			u := u
			u.Time = at
			b.ReportAllocs()
			for b.Loop() {
				t.Price(bc.provider, bc.model, u)
			}
		})
	}
}
