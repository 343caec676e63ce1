package kaizenprocessor

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// collectPrefixed handles flattened and framework-specific keys.
func (c *call) collectPrefixed(k string, v pcommon.Value) {
	switch {
	case strings.HasPrefix(k, "gen_ai.prompt."):
		c.flat(&c.inMsgs, dialectOpenLLMetry, k, k[len("gen_ai.prompt."):], v)
	case strings.HasPrefix(k, "gen_ai.completion."):
		c.flat(&c.outMsgs, dialectOpenLLMetry, k, k[len("gen_ai.completion."):], v)
	case strings.HasPrefix(k, "llm."):
		c.collectOpenInference(k, v)
	case strings.HasPrefix(k, "ai."):
		c.collectVercel(k, v)
	case k == "openinference.span.kind":
		c.mark(dialectOpenInference)
		c.consume(k)
		c.oiKind = strings.ToUpper(valueString(v))
	case k == "embedding.model_name":
		c.mark(dialectOpenInference)
		c.consume(k)
		setStr(&c.reqModel, v)
	case k == "input.value":
		setStr(&c.oiInputValue, v)
	case k == "output.value":
		setStr(&c.oiOutputValue, v)
	case k == "tool.name":
		setStr(&c.tool, v)
	case k == "agent.name":
		setStr(&c.agent, v)
	case k == "operation.name":
		if strings.HasPrefix(valueString(v), "ai.") {
			c.mark(dialectVercel)
			setStr(&c.vercelOp, v)
		}
	}
}

// flat reads a flattened message key of either dialect: OpenLLMetry's
// gen_ai.prompt.N.{role,content,finish_reason,tool_call_id,tool_calls.M.*}
// or OpenInference's llm.input_messages.N.message.{role,content,
// contents.M.message_content.text,tool_calls.M.tool_call.*,tool_call_id}.
func (c *call) flat(im *indexedMessages, dialect, key, rest string, v pcommon.Value) {
	n, field, ok := splitIndex(rest)
	if !ok {
		return
	}
	field = strings.TrimPrefix(field, "message.")
	c.mark(dialect)
	c.consume(key)
	m := im.at(n)
	switch field {
	case "role":
		m.role = valueString(v)
	case "content":
		m.content = valueString(v)
	case "finish_reason":
		m.finish = valueString(v)
	case "tool_call_id":
		m.toolCallID = valueString(v)
	default:
		if t, ok := strings.CutPrefix(field, "contents."); ok {
			if i, f, ok := splitIndex(t); ok && f == "message_content.text" {
				if m.contents == nil {
					m.contents = map[int]string{}
				}
				m.contents[i] = valueString(v)
			}
		} else if t, ok := strings.CutPrefix(field, "tool_calls."); ok {
			if i, f, ok := splitIndex(t); ok {
				setToolField(m.tool(i), f, valueString(v))
			}
		}
	}
}

func setToolField(t *toolCall, field, v string) {
	switch field {
	case "id", "tool_call.id":
		t.id = v
	case "name", "function.name", "tool_call.function.name":
		t.name = v
	case "arguments", "function.arguments", "tool_call.function.arguments":
		t.args = v
	}
}

// collectOpenInference reads OpenInference's llm.* keys (OpenLLMetry's
// llm.usage.* keys are handled in collect).
func (c *call) collectOpenInference(k string, v pcommon.Value) {
	switch k {
	case "llm.model_name":
		setStr(&c.reqModel, v)
	case "llm.provider", "llm.system":
		setStr(&c.provider, v)
	case "llm.token_count.prompt":
		c.setTok(tokIn, k, v)
	case "llm.token_count.completion":
		c.setTok(tokOut, k, v)
	case "llm.token_count.prompt_details.cache_read":
		c.setTok(tokCacheRead, k, v)
	case "llm.token_count.prompt_details.cache_write":
		c.setTok(tokCacheWrite, k, v)
	case "llm.token_count.completion_details.reasoning":
		c.setTok(tokReasoning, k, v)
	default:
		if rest, ok := strings.CutPrefix(k, "llm.input_messages."); ok {
			c.flat(&c.inMsgs, dialectOpenInference, k, rest, v)
		} else if rest, ok := strings.CutPrefix(k, "llm.output_messages."); ok {
			c.flat(&c.outMsgs, dialectOpenInference, k, rest, v)
		} else if strings.HasPrefix(k, "llm.token_count.") || strings.HasPrefix(k, "llm.invocation_parameters") {
			c.mark(dialectOpenInference)
		}
		return
	}
	c.mark(dialectOpenInference)
	c.consume(k)
}

// collectVercel reads the Vercel AI SDK's ai.* keys.
func (c *call) collectVercel(k string, v pcommon.Value) {
	c.mark(dialectVercel)
	switch k {
	case "ai.model.id":
		setStr(&c.reqModel, v)
	case "ai.model.provider":
		setStr(&c.provider, v)
	case "ai.response.model":
		setStr(&c.respModel, v)
	case "ai.usage.promptTokens", "ai.usage.inputTokens", "ai.usage.tokens":
		c.setTok(tokIn, k, v)
	case "ai.usage.completionTokens", "ai.usage.outputTokens":
		c.setTok(tokOut, k, v)
	case "ai.usage.cachedInputTokens":
		c.setTok(tokCacheRead, k, v)
	case "ai.usage.reasoningTokens":
		c.setTok(tokReasoning, k, v)
	case "ai.prompt", "ai.prompt.messages", "ai.value", "ai.values":
		if c.rawInput == "" || k == "ai.prompt.messages" {
			c.rawInput = valueString(v)
			c.vercelPromptKey = k
		}
	case "ai.response.text", "ai.response.object":
		setStr(&c.rawOutput, v)
	case "ai.response.toolCalls":
		setStr(&c.vercelToolCalls, v)
	case "ai.response.finishReason":
		c.finish = stringList(v)
	case "ai.operationId":
		c.vercelOp = valueString(v)
	case "ai.telemetry.functionId":
		setStr(&c.functionID, v)
	case "ai.toolCall.name":
		setStr(&c.tool, v)
	case "ai.toolCall.args":
		setStr(&c.toolArgs, v)
	case "ai.toolCall.result":
		setStr(&c.toolResult, v)
	default:
		return
	}
	c.consume(k)
}
