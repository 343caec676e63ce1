package kaizenprocessor

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// collect reads one attribute into the call, by what the dialect table
// says the key carries; unknown keys are ignored (and kept on the span).
func (c *call) collect(k string, v pcommon.Value) {
	a, ok := dialect.Lookup(k)
	if !ok {
		if rest, output, d, ok := dialect.Messages(k); ok {
			msgs := &c.inMsgs
			if output {
				msgs = &c.outMsgs
			}
			c.flat(msgs, d, k, rest, v)
			return
		}
		c.mark(dialect.Marks(k))
		return
	}
	c.mark(a.Dialect)
	if a.Alias {
		c.consume(k)
	}
	if a.Field < dialect.NumTokenFields {
		c.setTok(a.Field, k, v)
		return
	}
	switch a.Field {
	case dialect.OperationAlias:
		if c.operation == "" {
			c.operation, _ = dialect.CanonicalOperation(valueString(v))
		}
	case dialect.FinishReasons:
		c.finish = stringList(v)
	case dialect.Batch:
		c.batch = v.Type() == pcommon.ValueTypeBool && v.Bool()
	case dialect.Stream:
		c.stream = c.stream || (v.Type() == pcommon.ValueTypeBool && v.Bool()) || strings.EqualFold(valueString(v), "true")
	case dialect.ReportedCost:
		c.reported, c.hasReported = reportedUSD(v)
	case dialect.OIInvocation:
		c.stream = c.stream || invocationStreams(valueString(v))
	case dialect.SpanKind:
		c.traceloopKind = strings.ToLower(valueString(v))
	case dialect.OIKind:
		c.oiKind = strings.ToUpper(valueString(v))
	case dialect.VercelOperation:
		c.vercelOp = valueString(v)
	case dialect.VercelOperationKey:
		if strings.HasPrefix(valueString(v), "ai.") {
			c.mark(dialect.Vercel)
			setStr(&c.vercelOp, v)
		}
	case dialect.VercelPrompt:
		if c.rawInput == "" {
			c.rawInput, c.vercelPrompt = valueString(v), true
		}
	case dialect.VercelMessages:
		c.rawInput, c.vercelPrompt = valueString(v), false
	default:
		if dst := c.stringField(a.Field); dst != nil {
			setStr(dst, v)
		}
	}
}

// stringField returns the call's string holding f (first value wins), or
// nil for a field without one.
func (c *call) stringField(f dialect.Field) *string {
	switch f {
	case dialect.Operation:
		return &c.operation
	case dialect.Provider:
		return &c.provider
	case dialect.RequestModel:
		return &c.reqModel
	case dialect.ResponseModel:
		return &c.respModel
	case dialect.SystemInstructions:
		return &c.system
	case dialect.InputMessages:
		return &c.input
	case dialect.OutputMessages:
		return &c.output
	case dialect.Workflow:
		return &c.workflow
	case dialect.Agent:
		return &c.agent
	case dialect.Tool:
		return &c.tool
	case dialect.ToolArguments:
		return &c.toolArgs
	case dialect.ToolResult:
		return &c.toolResult
	case dialect.RawInput:
		return &c.rawInput
	case dialect.RawOutput:
		return &c.rawOutput
	case dialect.EntityName:
		return &c.entityName
	case dialect.OIInputValue:
		return &c.oiInputValue
	case dialect.OIOutputValue:
		return &c.oiOutputValue
	case dialect.VercelToolCalls:
		return &c.vercelToolCalls
	case dialect.VercelFunctionID:
		return &c.functionID
	}
	return nil
}

// flat reads a flattened message key of either dialect: OpenLLMetry's
// gen_ai.prompt.N.{role,content,finish_reason,tool_call_id,tool_calls.M.*}
// or OpenInference's llm.input_messages.N.message.{role,content,
// contents.M.message_content.text,tool_calls.M.tool_call.*,tool_call_id}.
func (c *call) flat(im *indexedMessages, d dialect.Dialect, key, rest string, v pcommon.Value) {
	n, field, ok := splitIndex(rest)
	if !ok {
		return
	}
	field = strings.TrimPrefix(field, "message.")
	c.mark(d)
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
