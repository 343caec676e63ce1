package kaizenprocessor

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// isGenAIKey is the fast test that decides whether a span needs any work:
// a span none of whose attribute keys pass it is left untouched.
func isGenAIKey(k string) bool {
	if len(k) < 3 {
		return false
	}
	switch k[0] {
	case 'g':
		return strings.HasPrefix(k, "gen_ai.")
	case 'l':
		return strings.HasPrefix(k, "llm.")
	case 't':
		return strings.HasPrefix(k, "traceloop.")
	case 'o':
		return strings.HasPrefix(k, "openinference.")
	case 'a':
		return strings.HasPrefix(k, "ai.")
	case 'e':
		return strings.HasPrefix(k, "embedding.model_name")
	}
	return false
}

// collect reads one attribute into the call. It understands the keys of
// every supported dialect; unknown keys are ignored (and kept on the span).
func (c *call) collect(k string, v pcommon.Value) {
	switch k {
	// OTel GenAI semconv (current, v1.37+; genai-repo renames).
	case "gen_ai.provider.name":
		c.mark(dialectSemconv)
		setStr(&c.provider, v)
	case "gen_ai.operation.name":
		setStr(&c.operation, v)
	case "gen_ai.request.model":
		setStr(&c.reqModel, v)
	case "gen_ai.response.model":
		setStr(&c.respModel, v)
	case "gen_ai.usage.input_tokens":
		c.setTok(tokIn, k, v)
	case "gen_ai.usage.output_tokens":
		c.setTok(tokOut, k, v)
	case "gen_ai.usage.cache_read.input_tokens":
		c.mark(dialectSemconv)
		c.setTok(tokCacheRead, k, v)
	case "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_write.input_tokens":
		c.mark(dialectSemconv)
		c.setTok(tokCacheWrite, k, v)
		c.consumeIfAlias(k, "gen_ai.usage.cache_creation.input_tokens")
	case "gen_ai.usage.cache_creation.1h.input_tokens", "gen_ai.usage.cache_write.1h.input_tokens":
		c.setTok(tokCacheWrite1h, k, v)
	case "gen_ai.usage.reasoning.output_tokens":
		c.mark(dialectSemconv)
		c.setTok(tokReasoning, k, v)
	case "gen_ai.system_instructions":
		c.mark(dialectSemconv)
		setStr(&c.system, v)
	case "gen_ai.input.messages":
		c.mark(dialectSemconv)
		setStr(&c.input, v)
	case "gen_ai.output.messages":
		c.mark(dialectSemconv)
		setStr(&c.output, v)
	case "gen_ai.response.finish_reasons":
		c.finish = stringList(v)
	case "gen_ai.agent.name":
		setStr(&c.agent, v)
	case "gen_ai.workflow.name":
		setStr(&c.workflow, v)
	case "gen_ai.tool.name":
		setStr(&c.tool, v)
	case "gen_ai.request.batch", "kaizen.request.batch":
		c.batch = v.Type() == pcommon.ValueTypeBool && v.Bool()

	// Older semconv (v1.26–v1.36), also emitted by OpenLLMetry and OpenLIT.
	case "gen_ai.system":
		c.mark(dialectSemconvLegacy)
		c.consume(k)
		setStr(&c.provider, v)
	case "gen_ai.usage.prompt_tokens":
		c.mark(dialectSemconvLegacy)
		c.consume(k)
		c.setTok(tokIn, k, v)
	case "gen_ai.usage.completion_tokens":
		c.mark(dialectSemconvLegacy)
		c.consume(k)
		c.setTok(tokOut, k, v)
	case "gen_ai.prompt":
		c.mark(dialectSemconvLegacy)
		c.consume(k)
		setStr(&c.rawInput, v)
	case "gen_ai.completion":
		c.mark(dialectSemconvLegacy)
		c.consume(k)
		setStr(&c.rawOutput, v)

	// OpenLIT.
	case "gen_ai.application_name", "gen_ai.environment", "gen_ai.endpoint", "gen_ai.usage.cost":
		c.mark(dialectOpenLIT)
	case "gen_ai.content.prompt":
		c.mark(dialectOpenLIT)
		c.consume(k)
		setStr(&c.rawInput, v)
	case "gen_ai.content.completion":
		c.mark(dialectOpenLIT)
		c.consume(k)
		setStr(&c.rawOutput, v)

	// OpenLLMetry / Traceloop.
	case "llm.usage.prompt_tokens":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		c.setTok(tokIn, k, v)
	case "llm.usage.completion_tokens":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		c.setTok(tokOut, k, v)
	case "gen_ai.usage.cache_read_input_tokens", "llm.usage.cache_read_input_tokens":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		c.setTok(tokCacheRead, k, v)
	case "gen_ai.usage.cache_creation_input_tokens", "llm.usage.cache_creation_input_tokens":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		c.setTok(tokCacheWrite, k, v)
	case "llm.usage.reasoning_tokens", "gen_ai.usage.reasoning_tokens":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		c.setTok(tokReasoning, k, v)
	case "llm.usage.total_tokens", "llm.is_streaming", "traceloop.entity.path", "traceloop.association.properties":
		c.mark(dialectOpenLLMetry)
	case "llm.request.type":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		if c.operation == "" {
			c.operation = operationAliases[strings.ToLower(valueString(v))]
		}
	case "traceloop.span.kind":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		c.traceloopKind = strings.ToLower(valueString(v))
	case "traceloop.entity.name":
		c.mark(dialectOpenLLMetry)
		setStr(&c.entityName, v)
	case "traceloop.workflow.name":
		c.mark(dialectOpenLLMetry)
		c.consume(k)
		setStr(&c.workflow, v)

	default:
		c.collectPrefixed(k, v)
	}
}

// consumeIfAlias records k as consumed when it is not the canonical key.
func (c *call) consumeIfAlias(k, canonical string) {
	if k != canonical {
		c.consume(k)
	}
}

// stringList reads a string slice, or a JSON/comma list in a string.
func stringList(v pcommon.Value) []string {
	switch v.Type() {
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		out := make([]string, 0, s.Len())
		for i := 0; i < s.Len(); i++ {
			out = append(out, valueString(s.At(i)))
		}
		return out
	case pcommon.ValueTypeStr:
		t := strings.Trim(strings.TrimSpace(v.Str()), "[]")
		if t == "" {
			return nil
		}
		parts := strings.Split(t, ",")
		for i, p := range parts {
			parts[i] = strings.Trim(strings.TrimSpace(p), `"`)
		}
		return parts
	}
	return []string{valueString(v)}
}
