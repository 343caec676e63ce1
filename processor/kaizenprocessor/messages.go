package kaizenprocessor

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// maxIndex bounds the message and part indexes read from flattened
// attributes (gen_ai.prompt.N…), so hostile keys cannot allocate unbounded
// memory; larger indexes are kept as attributes but not converted.
const maxIndex = 10000

// toolCall is a flattened tool call.
type toolCall struct{ id, name, args string }

// flatMessage accumulates a flattened message (gen_ai.prompt.N.*,
// llm.input_messages.N.message.*).
type flatMessage struct {
	role, content, finish, toolCallID string
	contents                          map[int]string
	tools                             map[int]*toolCall
}

// indexedMessages are flattened messages by index.
type indexedMessages map[int]*flatMessage

func (im *indexedMessages) at(i int) *flatMessage {
	if *im == nil {
		*im = indexedMessages{}
	}
	m := (*im)[i]
	if m == nil {
		m = &flatMessage{}
		(*im)[i] = m
	}
	return m
}

// splitIndex parses "N.rest" returning N and rest.
func splitIndex(s string) (int, string, bool) {
	dot := strings.IndexByte(s, '.')
	if dot <= 0 {
		return 0, "", false
	}
	n, err := strconv.Atoi(s[:dot])
	if err != nil || n < 0 || n >= maxIndex {
		return 0, "", false
	}
	return n, s[dot+1:], true
}

func (fm *flatMessage) tool(i int) *toolCall {
	if fm.tools == nil {
		fm.tools = map[int]*toolCall{}
	}
	t := fm.tools[i]
	if t == nil {
		t = &toolCall{}
		fm.tools[i] = t
	}
	return t
}

// messages converts flattened messages to semconv messages in index order.
func (im indexedMessages) messages() []genai.Message {
	idx := sortedKeys(im)
	out := make([]genai.Message, 0, len(idx))
	for _, i := range idx {
		fm := im[i]
		m := genai.Message{Role: fm.role, FinishReason: fm.finish}
		if m.Role == "" {
			m.Role = "user"
		}
		if fm.content != "" {
			m.Parts = append(m.Parts, textOrResponse(fm.role, fm.toolCallID, fm.content))
		}
		for _, k := range sortedKeys(fm.contents) {
			m.Parts = append(m.Parts, genai.Part{Type: "text", Content: fm.contents[k]})
		}
		for _, k := range sortedKeys(fm.tools) {
			t := fm.tools[k]
			m.Parts = append(m.Parts, genai.Part{Type: "tool_call", ID: t.id, Name: t.name, Arguments: genai.JSONValue(t.args)})
		}
		if m.Parts == nil {
			m.Parts = []genai.Part{}
		}
		out = append(out, m)
	}
	return out
}

// textOrResponse is a message's text: a tool result for role "tool".
func textOrResponse(role, toolCallID, s string) genai.Part {
	if role == "tool" {
		return genai.Part{Type: "tool_call_response", ID: toolCallID, Response: genai.JSONValue(s)}
	}
	return genai.Part{Type: "text", Content: s}
}

func sortedKeys[V any](m map[int]V) []int { return slices.Sorted(maps.Keys(m)) }

// systemParts renders system text as gen_ai.system_instructions.
func systemParts(text string) string {
	return genai.EncodeParts([]genai.Part{{Type: "text", Content: text}})
}

// convertMessages converts messages another instrumentation recorded (the
// OpenAI, Anthropic or Vercel AI SDK shapes genai.ParseMessages reads, or
// any text) to semconv messages JSON. Semconv input (messages with "parts")
// is returned unchanged; defaultRole is the role of plain text.
func convertMessages(raw, defaultRole string) string {
	t := strings.TrimSpace(raw)
	if t == "" {
		return ""
	}
	msgs, err := genai.ParseMessages(t)
	switch {
	case errors.Is(err, genai.ErrNotJSON) || t[0] == '"' || t[0] == '{' && (len(msgs) != 1 || msgs[0].Role == ""):
		return genai.TextMessages(defaultRole, raw)
	case err == nil && strings.Contains(t, `"parts"`):
		return t
	}
	for i := range msgs {
		m := &msgs[i]
		if m.Role == "" {
			m.Role = defaultRole
		}
		if m.Parts == nil {
			m.Parts = []genai.Part{}
		}
		for j := range m.Parts {
			// Tool results recorded as strings are kept as the JSON they
			// hold, the way semconv records them.
			if p := &m.Parts[j]; p.Type == "tool_call_response" && len(p.Response) > 0 && p.Response[0] == '"' {
				var s string
				if json.Unmarshal(p.Response, &s) == nil {
					p.Response = genai.JSONValue(s)
				}
			}
		}
	}
	return genai.EncodeMessages(msgs)
}
