package kaizenprocessor

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// contentKeys are attributes that carry prompt or completion text, in any
// dialect (exact names).
var contentKeys = map[string]bool{
	"gen_ai.system_instructions": true, "gen_ai.input.messages": true, "gen_ai.output.messages": true,
	"gen_ai.prompt": true, "gen_ai.completion": true, "gen_ai.content.prompt": true, "gen_ai.content.completion": true,
	"gen_ai.tool.call.arguments": true, "gen_ai.tool.call.result": true, "gen_ai.retrieval.documents": true,
	"gen_ai.retrieval.query.text": true, "input.value": true, "output.value": true,
	"ai.prompt": true, "ai.prompt.messages": true, "ai.response.text": true, "ai.response.object": true,
	"ai.response.toolCalls": true, "ai.toolCall.args": true, "ai.toolCall.result": true, "ai.value": true, "ai.values": true,
	"traceloop.entity.input": true, "traceloop.entity.output": true,
	"content": true, "message": true, "gen_ai.event.content": true,
}

// isContentKey reports attributes carrying prompt or completion text.
func isContentKey(k string) bool {
	if contentKeys[k] {
		return true
	}
	for _, p := range []string{"gen_ai.prompt.", "gen_ai.completion.", "llm.input_messages.", "llm.output_messages.", "llm.prompts", "embedding.embeddings."} {
		if strings.HasPrefix(k, p) {
			return strings.HasSuffix(k, "content") || strings.HasSuffix(k, ".text") || strings.HasSuffix(k, "arguments")
		}
	}
	return false
}

// applyPolicy truncates or removes content attributes of a span and its
// events according to the policy.
func (p *kaizenProcessor) applyPolicy(attrs pcommon.Map, evs ptrace.SpanEventSlice) {
	switch p.cfg.Content.Policy {
	case PolicyTruncate:
		p.truncateMap(attrs)
		for i := 0; i < evs.Len(); i++ {
			p.truncateMap(evs.At(i).Attributes())
		}
	case PolicyFingerprint, PolicyDrop:
		attrs.RemoveIf(func(k string, _ pcommon.Value) bool { return isContentKey(k) })
		for i := 0; i < evs.Len(); i++ {
			evs.At(i).Attributes().RemoveIf(func(k string, _ pcommon.Value) bool { return isContentKey(k) })
		}
	}
}

func (p *kaizenProcessor) truncateMap(m pcommon.Map) {
	n := p.cfg.Content.TruncateBytes
	m.Range(func(k string, v pcommon.Value) bool {
		if v.Type() == pcommon.ValueTypeStr && len(v.Str()) > n && isContentKey(k) {
			v.SetStr(truncate(v.Str(), n))
		}
		return true
	})
}

// truncate cuts s to at most n bytes on a UTF-8 boundary and appends a
// marker with the number of bytes removed.
func truncate(s string, n int) string {
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[truncated " + strconv.Itoa(len(s)-cut) + " bytes]"
}

// policyValue is the value of kaizen.content.policy.
func (c *Config) policyValue() string {
	if c.Content.Policy == PolicyTruncate {
		return PolicyTruncate + ":" + strconv.Itoa(c.Content.TruncateBytes)
	}
	return c.Content.Policy
}
