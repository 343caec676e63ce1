package kaizenprocessor

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// maxIndex bounds the message and part indexes read from flattened
// attributes (gen_ai.prompt.N…), so hostile keys cannot allocate unbounded
// memory; larger indexes are kept as attributes but not converted.
const maxIndex = 10000

// part is one semconv message part.
type part struct {
	Type      string `json:"type"`
	Content   any    `json:"content,omitempty"`
	ID        string `json:"id,omitempty"`
	Name      string `json:"name,omitempty"`
	Arguments any    `json:"arguments,omitempty"`
	Response  any    `json:"response,omitempty"`
}

// message is one semconv message (gen_ai.input.messages element).
type message struct {
	Role         string `json:"role"`
	Parts        []part `json:"parts"`
	FinishReason string `json:"finish_reason,omitempty"`
}

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
func (im indexedMessages) messages() []message {
	idx := sortedKeys(im)
	out := make([]message, 0, len(idx))
	for _, i := range idx {
		fm := im[i]
		m := message{Role: fm.role, FinishReason: fm.finish}
		if m.Role == "" {
			m.Role = "user"
		}
		if fm.content != "" {
			m.Parts = append(m.Parts, textOrResponse(fm, fm.content))
		}
		for _, k := range sortedKeys(fm.contents) {
			m.Parts = append(m.Parts, part{Type: "text", Content: fm.contents[k]})
		}
		for _, k := range sortedKeys(fm.tools) {
			t := fm.tools[k]
			m.Parts = append(m.Parts, part{Type: "tool_call", ID: t.id, Name: t.name, Arguments: jsonOrString(t.args)})
		}
		if m.Parts == nil {
			m.Parts = []part{}
		}
		out = append(out, m)
	}
	return out
}

func textOrResponse(fm *flatMessage, s string) part {
	if fm.role == "tool" {
		return part{Type: "tool_call_response", ID: fm.toolCallID, Response: jsonOrString(s)}
	}
	return part{Type: "text", Content: s}
}

func sortedKeys[V any](m map[int]V) []int { return slices.Sorted(maps.Keys(m)) }

// jsonOrString returns s as raw JSON when it is a JSON object or array, else s.
func jsonOrString(s string) any {
	t := strings.TrimSpace(s)
	if len(t) > 1 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	if s == "" {
		return nil
	}
	return s
}

// encode renders semconv JSON without HTML escaping.
func encode(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// textMessages wraps plain text as one message of the given role.
func textMessages(role, text string) string {
	return encode([]message{{Role: role, Parts: []part{{Type: "text", Content: text}}}})
}

// systemParts renders system text as gen_ai.system_instructions.
func systemParts(text string) string {
	return encode([]part{{Type: "text", Content: text}})
}

// sdkMessage is a message in the OpenAI / Vercel AI SDK shape.
type sdkMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	ToolCalls  []sdkToolCall   `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
}

type sdkToolCall struct {
	ID       string `json:"id"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// sdkPart is a content part in the OpenAI / Anthropic / AI SDK shapes.
type sdkPart struct {
	Type       string          `json:"type"`
	Text       string          `json:"text"`
	ToolCallID string          `json:"toolCallId"`
	ToolName   string          `json:"toolName"`
	Args       json.RawMessage `json:"args"`
	Input      json.RawMessage `json:"input"`
	Result     json.RawMessage `json:"result"`
	Output     json.RawMessage `json:"output"`
}

// convertMessages converts a JSON array of OpenAI / Vercel AI SDK messages
// (or any non-JSON text) to semconv messages JSON. Already-semconv input
// (messages with "parts") is returned unchanged. defaultRole is used for
// plain text.
func convertMessages(raw, defaultRole string) string {
	t := strings.TrimSpace(raw)
	if t == "" {
		return ""
	}
	if strings.Contains(t, `"parts"`) && json.Valid([]byte(t)) {
		return t
	}
	var in []sdkMessage
	if t[0] != '[' || json.Unmarshal([]byte(t), &in) != nil {
		var one sdkMessage
		if t[0] == '{' && json.Unmarshal([]byte(t), &one) == nil && one.Role != "" {
			in = []sdkMessage{one}
		} else {
			return textMessages(defaultRole, raw)
		}
	}
	out := make([]message, 0, len(in))
	for _, m := range in {
		msg := message{Role: m.Role, Parts: contentParts(m)}
		out = append(out, msg)
	}
	return encode(out)
}

func contentParts(m sdkMessage) []part {
	parts := []part{}
	var s string
	var ps []sdkPart
	switch {
	case len(m.Content) == 0 || string(m.Content) == "null":
	case json.Unmarshal(m.Content, &s) == nil:
		if m.Role == "tool" {
			parts = append(parts, part{Type: "tool_call_response", ID: m.ToolCallID, Response: jsonOrString(s)})
		} else {
			parts = append(parts, part{Type: "text", Content: s})
		}
	case json.Unmarshal(m.Content, &ps) == nil:
		for _, p := range ps {
			switch p.Type {
			case "tool-call", "tool_use":
				parts = append(parts, part{Type: "tool_call", ID: p.ToolCallID, Name: p.ToolName, Arguments: firstRaw(p.Args, p.Input)})
			case "tool-result", "tool_result":
				parts = append(parts, part{Type: "tool_call_response", ID: p.ToolCallID, Response: firstRaw(p.Result, p.Output)})
			default:
				if p.Text != "" {
					parts = append(parts, part{Type: "text", Content: p.Text})
				}
			}
		}
	default:
		parts = append(parts, part{Type: "text", Content: string(m.Content)})
	}
	for _, tc := range m.ToolCalls {
		parts = append(parts, part{Type: "tool_call", ID: tc.ID, Name: tc.Function.Name, Arguments: jsonOrString(tc.Function.Arguments)})
	}
	return parts
}

func firstRaw(rs ...json.RawMessage) any {
	for _, r := range rs {
		if len(r) > 0 && string(r) != "null" {
			return r
		}
	}
	return nil
}
