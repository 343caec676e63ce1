package kaizenprocessor

import (
	"strings"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// putStr sets a canonical string attribute unless the span already has it.
func putStr(attrs pcommon.Map, k, v string) {
	if v == "" {
		return
	}
	if _, ok := attrs.Get(k); !ok {
		attrs.PutStr(k, v)
	}
}

// tokenKeys are the canonical usage attributes by token class.
var tokenKeys = [numTok]string{
	"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens",
	"gen_ai.usage.cache_creation.input_tokens", "", "gen_ai.usage.reasoning.output_tokens",
}

// writeCanonical writes the canonical semconv v1.41 attributes derived from
// the call, and kaizen.dialect when dialect (c.dialect()) is not empty.
// Attributes the span already has are never overwritten.
func writeCanonical(attrs pcommon.Map, c *call, dialect string) {
	if c.operation != "" {
		// Unlike the other attributes, a dialect alias such as "embedding"
		// is replaced by its canonical value.
		if v, ok := attrs.Get("gen_ai.operation.name"); !ok || v.Str() != c.operation {
			attrs.PutStr("gen_ai.operation.name", c.operation)
		}
	}
	putStr(attrs, "gen_ai.provider.name", c.provider)
	putStr(attrs, "gen_ai.request.model", c.reqModel)
	putStr(attrs, "gen_ai.response.model", c.respModel)
	for class, k := range tokenKeys {
		if k == "" || !c.hasTok[class] {
			continue
		}
		if v, ok := attrs.Get(k); !ok || v.Type() != pcommon.ValueTypeInt {
			attrs.PutInt(k, c.tokens[class])
		}
	}
	putStr(attrs, "gen_ai.system_instructions", c.system)
	putStr(attrs, "gen_ai.input.messages", c.input)
	putStr(attrs, "gen_ai.output.messages", c.output)
	if _, ok := attrs.Get("gen_ai.response.finish_reasons"); !ok && len(c.finish) > 0 {
		s := attrs.PutEmptySlice("gen_ai.response.finish_reasons")
		for _, f := range c.finish {
			s.AppendEmpty().SetStr(f)
		}
	}
	putStr(attrs, "gen_ai.workflow.name", c.workflow)
	putStr(attrs, "gen_ai.agent.name", c.agent)
	putStr(attrs, "gen_ai.tool.name", c.tool)
	if c.operation == "execute_tool" {
		putStr(attrs, "gen_ai.tool.call.arguments", c.toolArgs)
		putStr(attrs, "gen_ai.tool.call.result", c.toolResult)
	}
	if dialect != "" {
		attrs.PutStr(AttrDialect, dialect)
	}
	if len(c.badTok) > 0 {
		attrs.PutStr(AttrNormalizeErr, "unreadable token count in "+strings.Join(c.badTok, ", "))
	}
}

// writeFingerprints writes the prompt fingerprints (16 hex digits each).
func writeFingerprints(attrs pcommon.Map, c *call) {
	if c.system == "" && c.input == "" {
		return
	}
	set, err := fingerprint.FromAttributes(c.system, c.input)
	// The four hex strings share one allocation, never written again.
	hex := make([]byte, 0, 4*16)
	for _, f := range [...]struct {
		key  string
		h    uint64
		have bool
	}{
		{AttrPromptHash, set.Prompt, set.Prompt != 0},
		{AttrPromptSimHash, set.SimHash, set.Prompt != 0},
		{AttrSystemHash, set.System, set.System != 0},
		{AttrPrefixHash, set.Prefix, set.Prefix != 0},
	} {
		if f.have {
			hex = fingerprint.AppendHex(hex, f.h)
			attrs.PutStr(f.key, unsafe.String(&hex[len(hex)-16], 16))
		}
	}
	if err != nil {
		attrs.PutStr(AttrNormalizeErr, "fingerprint: "+err.Error())
	}
}

// price computes and writes the cost of an inference span.
func (p *kaizenProcessor) price(c *pendingCall, st *batchStats) {
	attrs := c.attrs
	u := pricing.Usage{
		InputTokens: c.tokens[tokIn], OutputTokens: c.tokens[tokOut], CacheReadTokens: c.tokens[tokCacheRead],
		CacheWriteTokens: c.tokens[tokCacheWrite], CacheWrite1hTokens: c.tokens[tokCacheWrite1h],
		ReasoningTokens: c.tokens[tokReasoning], Batch: c.batch,
	}
	var cost pricing.Cost
	switch {
	case !c.hasUsage():
		cost = pricing.Cost{Status: pricing.StatusUnpriced, Version: p.table.Version(), Reason: pricing.ReasonNoUsage}
	default:
		cost = p.table.Price(c.provider, c.respModel, u)
		if cost.Model == nil && c.reqModel != "" {
			cost = p.table.Price(c.provider, c.reqModel, u)
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
	}
	if cost.Status == pricing.StatusUnpriced {
		st.unpriced++
		return
	}
	attrs.PutDouble(AttrCostUSD, cost.Total.Float64())
	attrs.PutDouble(AttrCostInputUSD, cost.Input.Float64())
	attrs.PutDouble(AttrCostOutputUSD, cost.Output.Float64())
	if st.priced == nil {
		st.priced = map[pricing.Status]int64{}
	}
	st.priced[cost.Status]++
}
