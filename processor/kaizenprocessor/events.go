package kaizenprocessor

import (
	"encoding/json"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// collectEvents reads content recorded as span events by older semconv
// versions and OpenLIT: gen_ai.content.prompt / gen_ai.content.completion
// (attributes gen_ai.prompt / gen_ai.completion), the per-message events
// gen_ai.{system,user,assistant,tool}.message and gen_ai.choice (attributes
// content / message / finish_reason / id), and
// gen_ai.client.inference.operation.details (canonical attributes).
func (c *call) collectEvents(evs ptrace.SpanEventSlice) {
	for i := 0; i < evs.Len(); i++ {
		ev := evs.At(i)
		a := ev.Attributes()
		switch name := ev.Name(); name {
		case "gen_ai.content.prompt":
			c.mark(dialect.SemconvLegacy)
			getStr(a, "gen_ai.prompt", &c.rawInput)
		case "gen_ai.content.completion":
			c.mark(dialect.SemconvLegacy)
			getStr(a, "gen_ai.completion", &c.rawOutput)
		case "gen_ai.system.message", "gen_ai.user.message", "gen_ai.assistant.message", "gen_ai.tool.message":
			c.mark(dialect.SemconvLegacy)
			m := c.inMsgs.at(len(c.inMsgs))
			m.role = strings.TrimSuffix(strings.TrimPrefix(name, "gen_ai."), ".message")
			if r, ok := a.Get("role"); ok {
				m.role = valueString(r)
			}
			m.content = eventContent(a)
			getStr(a, "id", &m.toolCallID)
		case "gen_ai.choice":
			c.mark(dialect.SemconvLegacy)
			m := c.outMsgs.at(len(c.outMsgs))
			m.role = "assistant"
			m.content = eventContent(a)
			getStr(a, "finish_reason", &m.finish)
		case "gen_ai.client.inference.operation.details":
			a.Range(func(k string, v pcommon.Value) bool {
				c.collect(k, v)
				return true
			})
		}
	}
}

func getStr(a pcommon.Map, key string, dst *string) {
	if v, ok := a.Get(key); ok && *dst == "" {
		*dst = valueString(v)
	}
}

// eventContent returns the text of a message event: attribute "content",
// or "message" ({"role":…,"content":…} JSON or text), or
// "gen_ai.event.content" (the event body as JSON).
func eventContent(a pcommon.Map) string {
	for _, k := range []string{"content", "message", "gen_ai.event.content"} {
		v, ok := a.Get(k)
		if !ok {
			continue
		}
		s := valueString(v)
		if v.Type() == pcommon.ValueTypeMap {
			if cv, ok := v.Map().Get("content"); ok {
				return valueString(cv)
			}
		}
		var body struct {
			Content json.RawMessage `json:"content"`
		}
		if strings.HasPrefix(strings.TrimSpace(s), "{") && json.Unmarshal([]byte(s), &body) == nil && len(body.Content) > 0 {
			var str string
			if json.Unmarshal(body.Content, &str) == nil {
				return str
			}
			return string(body.Content)
		}
		return s
	}
	return ""
}
