package pricing

import "testing"

func FuzzParseUSD(f *testing.F) {
	for _, s := range []string{"2.50", "-1", "0.000000000001", "1e5", "", ".", "99999999.999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseUSD(s)
		if err != nil {
			return
		}
		back, err := ParseUSD(v.String())
		if err != nil || back != v {
			t.Fatalf("%q -> %s -> %d, %v", s, v, back, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(embeddedOverlay)
	f.Add([]byte("version: x\nproviders: [{name: a, models: [{name: m, effective: 2025-01-01, source: s, input: '1', output: '2', tiers: [{above_input_tokens: 5, input: '3'}]}]}]"))
	f.Add([]byte("{{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := Parse(data, "fuzz")
		if err != nil {
			return
		}
		for _, m := range tb.Models("") {
			c := tb.PriceModel(m, Usage{InputTokens: 1000, OutputTokens: 10, CacheReadTokens: 10, ReasoningTokens: 5, Batch: true})
			if c.Total != c.Input+c.Output && c.Status != StatusUnpriced {
				t.Fatalf("inconsistent cost %+v", c)
			}
		}
	})
}

func FuzzResolve(f *testing.F) {
	f.Add("aws.bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0")
	f.Add("", "models/gemini-2.5-flash@001-latest")
	f.Fuzz(func(t *testing.T, provider, model string) {
		c := Default().Price(provider, model, Usage{InputTokens: 1, OutputTokens: 1})
		if c.Status == StatusPriced && c.Model == nil {
			t.Fatal("priced without a model")
		}
	})
}
