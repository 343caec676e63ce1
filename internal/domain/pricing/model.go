package pricing

import "time"

// Kind classifies what a model is billed for.
type Kind string

// Model kinds.
const (
	// KindChat is a text-generation model (chat, completion, generate_content).
	KindChat Kind = "chat"
	// KindEmbedding is an embedding model: input tokens only.
	KindEmbedding Kind = "embedding"
	// KindOther is a model without text token prices (audio, images): its
	// usage is billed in units Kaizen does not record.
	KindOther Kind = "other"
)

// Rate is a per-token price. OK is false when the table has no price for
// that token class (it is then either billed at a documented fallback rate or
// reported as partial, never as a silent zero).
type Rate struct {
	// PerToken is the exact price of one token.
	PerToken USD
	// OK reports whether the price is set.
	OK bool
}

// PerMillion returns the price of one million tokens, the unit vendors publish.
func (r Rate) PerMillion() USD { return r.PerToken * 1_000_000 }

// Rates holds the per-token prices of every token class of one model or tier.
type Rates struct {
	// Input is the price of an uncached input (prompt) token.
	Input Rate
	// Output is the price of an output (completion) token.
	Output Rate
	// CacheRead is the price of an input token served from the prompt cache.
	CacheRead Rate
	// CacheWrite is the price of an input token written to the prompt cache
	// (Anthropic: 5-minute TTL).
	CacheWrite Rate
	// CacheWrite1h is the price of an input token written to a 1-hour cache
	// (Anthropic extended TTL).
	CacheWrite1h Rate
	// Reasoning is the price of a reasoning (thinking) output token when it
	// differs from Output; unset means reasoning is billed as output.
	Reasoning Rate
	// Request is a fee per request (genai-prices requests_kcount / 1000).
	Request Rate
}

// overlay returns r with every set rate of o replacing r's.
func (r Rates) overlay(o Rates) Rates {
	for _, p := range [...]struct {
		dst *Rate
		src Rate
	}{
		{&r.Input, o.Input}, {&r.Output, o.Output}, {&r.CacheRead, o.CacheRead},
		{&r.CacheWrite, o.CacheWrite}, {&r.CacheWrite1h, o.CacheWrite1h}, {&r.Reasoning, o.Reasoning},
		{&r.Request, o.Request},
	} {
		if p.src.OK {
			*p.dst = p.src
		}
	}
	return r
}

// Tier is a long-context price tier: when a request's total input tokens
// exceed AboveInputTokens, the tier's set rates replace the base rates for
// the whole request (input, cache and output), as Gemini and Anthropic bill.
type Tier struct {
	// AboveInputTokens is the exclusive lower bound of the tier.
	AboveInputTokens int64
	// Rates are the tier's prices; unset rates inherit the base rate.
	Rates
}

// Fraction is an exact ratio in millionths (500000 = 50%).
type Fraction int64

// fractionDen is the denominator of Fraction.
const fractionDen = 1_000_000

// Float64 returns the fraction as a float (0.5 for 50%).
func (f Fraction) Float64() float64 { return float64(f) / fractionDen }

// Model is one priced model of one provider.
type Model struct {
	// Provider is the table's provider key (e.g. "openai", "anthropic",
	// "gcp.gemini", "mistral_ai", "deepseek", "x_ai", "groq").
	Provider string
	// Name is the canonical model id (e.g. "gpt-4o").
	Name string
	// Aliases are other ids resolving to this model.
	Aliases []string
	// Kind is chat or embedding.
	Kind Kind
	// Effective is the date (YYYY-MM-DD) the prices took effect.
	Effective string
	// Source is the URL the prices were taken from.
	Source string
	// ContextWindow is the maximum input context in tokens (0 if unknown).
	ContextWindow int64
	// Reasoning reports whether the model produces reasoning tokens.
	Reasoning bool
	// Rates are the base per-token prices.
	Rates
	// Tiers are long-context tiers sorted by AboveInputTokens ascending.
	Tiers []Tier
	// BatchDiscount is the discount applied to the total of batch requests
	// (0 when the provider offers no batch API for the model).
	BatchDiscount Fraction
	// Changes are prices that replace Rates and Tiers from a start date or
	// during a daily window, in genai-prices order (see PricesAt).
	Changes []PriceChange
	// DisplayName is the model's human name ("GPT-4o"), when known.
	DisplayName string
	// Deprecated reports that the provider has deprecated the model.
	Deprecated bool
	// Family is the model's generation (see Family): the detectors suggest
	// a cheaper sibling of the same family.
	Family string

	// match is the model's id rule; exact names and aliases for table files.
	match matcher
	// inexact reports a genai-prices price finer than one pico-dollar per
	// token, rounded to the nearest pico-dollar.
	inexact bool
}

// PriceChange is a conditional price of a model (genai-prices
// ConditionalPrice): in force from Start (when Start is set), or every day
// between FromMs and ToMs milliseconds after UTC midnight (when Daily; a
// window with ToMs < FromMs spans midnight), or always when neither is set.
type PriceChange struct {
	// Start is the first instant the prices apply (UTC midnight of a date).
	Start time.Time
	// Daily selects a time-of-day window instead of a start date.
	Daily bool
	// FromMs and ToMs bound the daily window [FromMs, ToMs).
	FromMs, ToMs int64
	// Rates and Tiers are the prices in force.
	Rates
	Tiers []Tier
}

// applies reports whether the change is in force at t.
func (c *PriceChange) applies(t time.Time) bool {
	switch {
	case c.Daily:
		t = t.UTC()
		ms := int64(t.Hour())*3_600_000 + int64(t.Minute())*60_000 + int64(t.Second())*1000 + int64(t.Nanosecond()/1e6)
		if c.ToMs < c.FromMs {
			return ms >= c.FromMs || ms < c.ToMs
		}
		return ms >= c.FromMs && ms < c.ToMs
	case !c.Start.IsZero():
		return !t.Before(c.Start)
	}
	return true
}

// PricesAt returns the rates and tiers in force at t: like genai-prices'
// calcPrice, the last change that applies, else the base prices.
func (m *Model) PricesAt(t time.Time) (Rates, []Tier) {
	for i := len(m.Changes) - 1; i >= 0; i-- {
		if c := &m.Changes[i]; c.applies(t) {
			return c.Rates, c.Tiers
		}
	}
	return m.Rates, m.Tiers
}

// RatesFor returns the rates that apply to a request with the given total
// input tokens (the highest tier whose bound is exceeded, else the base).
func (m *Model) RatesFor(inputTokens int64) Rates { return ratesFor(m.Rates, m.Tiers, inputTokens) }

func ratesFor(base Rates, tiers []Tier, inputTokens int64) Rates {
	r := base
	for _, t := range tiers {
		if inputTokens > t.AboveInputTokens {
			r = base.overlay(t.Rates)
		}
	}
	return r
}

// ID returns "provider/name".
func (m *Model) ID() string { return m.Provider + "/" + m.Name }
