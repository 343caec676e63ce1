package pricing

import (
	"strings"
	"time"
)

// Status says how completely a call was priced. It is recorded in
// kaizen.price.status; a cost is never reported as a silent zero.
type Status string

// Price statuses.
const (
	// StatusPriced means every billed token class had a price.
	StatusPriced Status = "priced"
	// StatusPartial means a cost was computed but some token class had no
	// price or was billed at a fallback rate; Reason says which.
	StatusPartial Status = "partial"
	// StatusUnpriced means no cost could be computed (unknown model, no usage,
	// invalid usage); Total is zero and must not be read as $0.
	StatusUnpriced Status = "unpriced"
)

// Usage is the token usage of one call, following the OTel GenAI semantic
// conventions.
type Usage struct {
	// InputTokens is the total prompt tokens, including cache reads and
	// cache writes (gen_ai.usage.input_tokens). If it is smaller than the
	// cache tokens, it is taken to exclude them (Anthropic's raw API).
	InputTokens int64
	// OutputTokens is the total completion tokens, including reasoning
	// (gen_ai.usage.output_tokens). If it is smaller than ReasoningTokens,
	// it is taken to exclude them (Gemini's candidatesTokenCount).
	OutputTokens int64
	// CacheReadTokens are input tokens served from the prompt cache.
	CacheReadTokens int64
	// CacheWriteTokens are all input tokens written to the prompt cache
	// (gen_ai.usage.cache_creation.input_tokens), whatever the TTL.
	CacheWriteTokens int64
	// CacheWrite1hTokens is the part of CacheWriteTokens written with a
	// 1-hour TTL (Anthropic); the rest is billed at the 5-minute rate.
	CacheWrite1hTokens int64
	// ReasoningTokens is the part of OutputTokens spent on reasoning.
	ReasoningTokens int64
	// Batch is true for requests made through a batch API.
	Batch bool
	// Time is when the call was made: it selects the prices in force
	// (start-dated changes, daily windows). Zero means now.
	Time time.Time `json:",omitzero"`
}

// Cost is the exact price of one call.
type Cost struct {
	// Total is Input + Output + Fees.
	Total USD
	// Input is the cost of all input tokens (uncached, cache reads, writes).
	Input USD
	// Output is the cost of all output tokens (including reasoning).
	Output USD
	// Fees are per-request fees (a few genai-prices models have them).
	Fees USD
	// Status is priced, partial or unpriced.
	Status Status
	// Model is the resolved model (nil when unresolved).
	Model *Model
	// Version is the version of the table that priced the call.
	Version string
	// Reason explains a partial or unpriced status, or an assumption made
	// (e.g. input tokens reported without cache tokens); empty otherwise.
	Reason string
}

// Reasons reported in Cost.Reason.
const (
	ReasonUnknownModel   = "unknown model"
	ReasonNoModel        = "no model reported"
	ReasonNoUsage        = "no token usage reported"
	ReasonNegativeUsage  = "negative token count"
	ReasonOverflow       = "cost out of range"
	ReasonNoCacheRead    = "no cache_read price: cache reads billed at input rate"
	ReasonNoOutput       = "no output price: output tokens not billed"
	ReasonNoInput        = "no input price: input tokens not billed"
	ReasonNoBatch        = "no batch discount known: billed at standard rate"
	ReasonInputExclusive = "input_tokens smaller than cache tokens: taken to exclude them"
	ReasonOutputExcl     = "output_tokens smaller than reasoning tokens: taken to exclude them"
	ReasonCache1hExceeds = "1h cache writes exceed cache writes: taken as separate"
)

// Price resolves provider/model (see Resolve) and prices the usage.
func (t *Table) Price(provider, model string, u Usage) Cost {
	if strings.TrimSpace(model) == "" {
		return Cost{Status: StatusUnpriced, Version: t.version, Reason: ReasonNoModel}
	}
	m, ok := t.Resolve(provider, model)
	if !ok {
		return Cost{Status: StatusUnpriced, Version: t.version, Reason: ReasonUnknownModel + " " + provider + "/" + model}
	}
	return t.PriceModel(m, u)
}

// PriceModel prices usage under a given model. The analyzer uses it for
// what-if pricing (the same call under a cheaper model). Billing rules are
// documented in the package comment.
func (t *Table) PriceModel(m *Model, u Usage) Cost {
	c := Cost{Status: StatusPriced, Model: m, Version: t.version}
	var notes []string
	fail := func(reason string) Cost {
		return Cost{Status: StatusUnpriced, Model: m, Version: t.version, Reason: reason}
	}
	if u.InputTokens < 0 || u.OutputTokens < 0 || u.CacheReadTokens < 0 || u.CacheWriteTokens < 0 ||
		u.CacheWrite1hTokens < 0 || u.ReasoningTokens < 0 {
		return fail(ReasonNegativeUsage)
	}
	if u.InputTokens == 0 && u.OutputTokens == 0 && u.CacheReadTokens == 0 && u.CacheWriteTokens == 0 &&
		u.CacheWrite1hTokens == 0 && u.ReasoningTokens == 0 {
		return fail(ReasonNoUsage)
	}
	w1h, w5 := u.CacheWrite1hTokens, u.CacheWriteTokens-u.CacheWrite1hTokens
	if w5 < 0 {
		w5 = u.CacheWriteTokens
		notes = append(notes, ReasonCache1hExceeds)
	}
	cached := u.CacheReadTokens + w5 + w1h
	uncached, prompt := u.InputTokens-cached, u.InputTokens
	if uncached < 0 {
		uncached, prompt = u.InputTokens, u.InputTokens+cached
		notes = append(notes, ReasonInputExclusive)
	}
	at := u.Time
	if at.IsZero() {
		at = time.Now()
	}
	base, tiers := m.PricesAt(at)
	r := ratesFor(base, tiers, prompt)
	if !r.Input.OK && uncached+cached > 0 {
		c.Status = StatusPartial
		notes = append(notes, ReasonNoInput)
	}
	cacheRead := r.CacheRead
	if !cacheRead.OK {
		cacheRead = r.Input
		if u.CacheReadTokens > 0 {
			c.Status = StatusPartial
			notes = append(notes, ReasonNoCacheRead)
		}
	}
	write5 := firstSet(r.CacheWrite, r.Input)
	write1h := firstSet(r.CacheWrite1h, r.CacheWrite, r.Input)

	reasoning, visible := u.ReasoningTokens, u.OutputTokens-u.ReasoningTokens
	if visible < 0 {
		visible = u.OutputTokens
		notes = append(notes, ReasonOutputExcl)
	}
	out, think := r.Output, firstSet(r.Reasoning, r.Output)
	if !out.OK && visible+reasoning > 0 {
		c.Status = StatusPartial
		notes = append(notes, ReasonNoOutput)
	}
	var okAll = true
	sum := func(dst *USD, tokens int64, rate Rate) {
		v, ok := mulTokens(tokens, rate.PerToken)
		if !ok || *dst > maxUSD-v {
			okAll = false
			return
		}
		*dst += v
	}
	sum(&c.Input, uncached, r.Input)
	sum(&c.Input, u.CacheReadTokens, cacheRead)
	sum(&c.Input, w5, write5)
	sum(&c.Input, w1h, write1h)
	sum(&c.Output, visible, out)
	sum(&c.Output, reasoning, think)
	if r.Request.OK {
		c.Fees = r.Request.PerToken
	}
	if !okAll || c.Input > maxUSD-c.Output-c.Fees {
		return fail(ReasonOverflow)
	}
	if u.Batch {
		if m.BatchDiscount > 0 {
			keep := int64(fractionDen - m.BatchDiscount)
			c.Input, c.Output = scale(c.Input, keep, fractionDen), scale(c.Output, keep, fractionDen)
		} else {
			c.Status = StatusPartial
			notes = append(notes, ReasonNoBatch)
		}
	}
	c.Total = c.Input + c.Output + c.Fees
	c.Reason = strings.Join(notes, "; ")
	return c
}

const maxUSD = USD(1<<63 - 1)

// firstSet returns the first set rate (the last one is the fallback).
func firstSet(rates ...Rate) Rate {
	for _, r := range rates {
		if r.OK {
			return r
		}
	}
	return rates[len(rates)-1]
}
