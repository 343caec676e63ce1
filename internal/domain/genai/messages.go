package genai

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Message is one message of gen_ai.input.messages or gen_ai.output.messages
// in the semantic-convention JSON structure.
type Message struct {
	Role         string `json:"role"`
	Parts        []Part `json:"parts"`
	Name         string `json:"name,omitempty"`
	FinishReason string `json:"finish_reason,omitempty"`
}

// Part is one part of a Message or of gen_ai.system_instructions: "text",
// "reasoning", "tool_call", "tool_call_response", "blob", "uri", "file" or a
// provider-specific type.
type Part struct {
	Type string `json:"type"`
	// Content is the text of "text" and "reasoning" parts.
	Content string `json:"content,omitempty"`
	// ID and Name identify a tool call ("tool_call", "tool_call_response").
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Arguments is the JSON of a "tool_call" part's arguments.
	Arguments json.RawMessage `json:"arguments,omitempty"`
	// Response is the JSON of a "tool_call_response" part's result.
	Response json.RawMessage `json:"response,omitempty"`
	// MimeType, Modality, URI, FileID and OmittedBytes describe "blob",
	// "uri" and "file" parts.
	MimeType     string `json:"mime_type,omitempty"`
	Modality     string `json:"modality,omitempty"`
	URI          string `json:"uri,omitempty"`
	FileID       string `json:"file_id,omitempty"`
	OmittedBytes int    `json:"omitted_bytes,omitempty"`

	// nameAfter records that the source gave the tool name after the
	// payload, so NamedText reads them in the source's order.
	nameAfter bool
}

// NamedText returns the part's tool name and textual payload joined by a
// newline, in the order the source gave them.
func (p Part) NamedText() string {
	t := p.Text()
	switch {
	case p.Name == "":
		return t
	case t == "":
		return p.Name
	case p.nameAfter:
		return t + "\n" + p.Name
	}
	return p.Name + "\n" + t
}

// Text returns the part's textual payload: its content, else its arguments,
// else its response — JSON strings as their value, other JSON as written.
func (p Part) Text() string {
	switch {
	case p.Content != "":
		return p.Content
	case len(p.Arguments) > 0:
		return rawText(p.Arguments)
	case len(p.Response) > 0:
		return rawText(p.Response)
	}
	return ""
}

// Text returns the texts of the message's parts joined by newlines.
func (m Message) Text() string { return m.join(Part.Text) }

// NamedText returns the parts' NamedText joined by newlines: everything a
// reader of the message sees, tool names included.
func (m Message) NamedText() string { return m.join(Part.NamedText) }

func (m Message) join(text func(Part) string) string {
	if len(m.Parts) == 1 {
		return text(m.Parts[0])
	}
	var b strings.Builder
	for _, p := range m.Parts {
		if t := text(p); t != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

// JSONValue returns s as raw JSON when it is a JSON object or array and as a
// JSON string otherwise; nil for "".
func JSONValue(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	if t := strings.TrimSpace(s); len(t) > 1 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	return quote(s)
}

// quote is s as a JSON string, without HTML escaping.
func quote(s string) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// EncodeMessages renders messages as semconv JSON, without HTML escaping.
func EncodeMessages(msgs []Message) string { return encode(msgs) }

// EncodeParts renders parts as gen_ai.system_instructions JSON.
func EncodeParts(parts []Part) string { return encode(parts) }

// TextMessages is plain text as one message of the given role.
func TextMessages(role, text string) string {
	return encode([]Message{{Role: role, Parts: []Part{{Type: "text", Content: text}}}})
}

func encode(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a RawMessage that is not JSON fails, and the parser never
		// makes one.
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}
