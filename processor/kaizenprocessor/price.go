package kaizenprocessor

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// price computes and writes the cost of an inference span.
func (p *kaizenProcessor) price(c *pendingCall, st *batchStats) {
	attrs := c.attrs
	u := pricing.Usage{
		InputTokens: c.tokens[dialect.InputTokens], OutputTokens: c.tokens[dialect.OutputTokens],
		CacheReadTokens: c.tokens[dialect.CacheReadTokens], CacheWriteTokens: c.tokens[dialect.CacheWriteTokens],
		CacheWrite1hTokens: c.tokens[dialect.CacheWrite1hTokens], ReasoningTokens: c.tokens[dialect.ReasoningTokens],
		Batch: c.batch, Time: c.start,
	}
	var cost pricing.Cost
	table := p.table.Load()
	switch {
	case !c.hasUsage():
		cost = pricing.Cost{Status: pricing.StatusUnpriced, Version: table.Version(), Reason: pricing.ReasonNoUsage}
	default:
		cost = table.Price(c.provider, c.respModel, u)
		if cost.Model == nil && c.reqModel != "" {
			cost = table.Price(c.provider, c.reqModel, u)
		}
	}
	if c.badTok && cost.Status == pricing.StatusPriced {
		cost.Status = pricing.StatusPartial
		cost.Reason = strings.TrimPrefix(cost.Reason+"; unreadable token count", "; ")
	}
	attrs.PutStr(AttrPriceVersion, cost.Version)
	attrs.PutStr(AttrPriceStatus, string(cost.Status))
	if cost.Reason != "" {
		attrs.PutStr(AttrPriceReason, cost.Reason)
	}
	if cost.Model != nil {
		attrs.PutStr(AttrPriceModel, cost.Model.ID())
		// Only a snapshot id answered: group the call under the model it names.
		if c.reqModel == "" {
			putStr(attrs, "gen_ai.request.model", cost.Model.Name)
		}
	}
	if c.hasReported {
		attrs.PutDouble(AttrCostReported, c.reported.Float64())
		if cost.Status != pricing.StatusUnpriced && costsDiffer(c.reported, cost.Total) {
			attrs.PutBool(AttrCostDiffers, true)
		}
	}
	if cost.Status == pricing.StatusUnpriced {
		st.unpriced++
		return
	}
	attrs.PutDouble(AttrCostUSD, cost.Total.Float64())
	attrs.PutDouble(AttrCostInputUSD, cost.Input.Float64())
	attrs.PutDouble(AttrCostOutputUSD, cost.Output.Float64())
	attrs.PutInt(genai.CostPico, cost.Total.Pico())
	attrs.PutInt(genai.CostInputPico, cost.Input.Pico())
	attrs.PutInt(genai.CostOutputPico, cost.Output.Pico())
	if st.priced == nil {
		st.priced = map[pricing.Status]int64{}
	}
	st.priced[cost.Status]++
}

// costsDiffer: more than 1 % of Kaizen's cost and more than a micro-dollar.
func costsDiffer(reported, ours pricing.USD) bool {
	d := reported - ours
	if d < 0 {
		d = -d
	}
	return d > pricing.Dollar/1_000_000 && d*100 > ours
}

// reportedUSD reads an instrumentation's cost attribute (a number or a
// decimal string); negative or unreadable values are ignored.
func reportedUSD(v pcommon.Value) (pricing.USD, bool) {
	var u pricing.USD
	ok := false
	switch v.Type() {
	case pcommon.ValueTypeDouble:
		u, ok = pricing.FromFloat64(v.Double())
	case pcommon.ValueTypeInt:
		u, ok = pricing.FromFloat64(float64(v.Int()))
	case pcommon.ValueTypeStr:
		var err error
		u, err = pricing.ParseUSD(strings.TrimSpace(v.Str()))
		ok = err == nil
	}
	return u, ok && u >= 0
}
