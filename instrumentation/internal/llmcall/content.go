package llmcall

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Message is one message of gen_ai.input.messages or gen_ai.output.messages in
// the semantic-convention JSON structure.
type Message struct {
	Role         string `json:"role"`
	Parts        []Part `json:"parts"`
	Name         string `json:"name,omitempty"`
	FinishReason string `json:"finish_reason,omitempty"`
}

// Part is one part of a [Message] or of gen_ai.system_instructions. Type is
// one of "text", "reasoning", "tool_call", "tool_call_response", "blob",
// "uri", "file" or a provider-specific type.
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
	// MimeType, Modality, URI and FileID describe "blob", "uri" and "file"
	// parts. Inline binary data is never copied: OmittedBytes gives its size.
	MimeType     string `json:"mime_type,omitempty"`
	Modality     string `json:"modality,omitempty"`
	URI          string `json:"uri,omitempty"`
	FileID       string `json:"file_id,omitempty"`
	OmittedBytes int    `json:"omitted_bytes,omitempty"`
}

// TextPart returns a "text" part.
func TextPart(text string) Part { return Part{Type: "text", Content: text} }

// ToolCallPart returns a "tool_call" part; arguments is JSON (anything else is
// recorded as a JSON string).
func ToolCallPart(id, name string, arguments []byte) Part {
	return Part{Type: "tool_call", ID: id, Name: name, Arguments: rawJSON(arguments)}
}

// ToolResponsePart returns a "tool_call_response" part; response is JSON
// (anything else is recorded as a JSON string).
func ToolResponsePart(id string, response []byte) Part {
	return Part{Type: "tool_call_response", ID: id, Response: rawJSON(response)}
}

// rawJSON returns b when it is a JSON value, and b encoded as a JSON string
// otherwise. Empty input yields nil.
func rawJSON(b []byte) json.RawMessage {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return json.RawMessage(bytes.Clone(b))
	}
	return JSONString(string(b))
}

// JSONString returns s encoded as a JSON string.
func JSONString(s string) json.RawMessage {
	out, _ := json.Marshal(s) // marshaling a string cannot fail
	return out
}

// Modality returns the semconv modality of a MIME type ("image", "video",
// "audio"), or "".
func Modality(mime string) string {
	for _, m := range []string{"image", "video", "audio"} {
		if len(mime) > len(m) && mime[:len(m)] == m && mime[len(m)] == '/' {
			return m
		}
	}
	return ""
}

// TruncationMarker returns the marker appended where cut bytes of content
// were dropped.
func TruncationMarker(cut int) string {
	return "…[truncated " + strconv.Itoa(cut) + " bytes]"
}

// Truncate shortens s to at most limit bytes of its text (cut on a rune
// boundary) followed by the truncation marker.
func Truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := RuneCut(s, limit)
	return s[:cut] + TruncationMarker(len(s)-cut)
}

// RuneCut returns the largest length of at most n (n < len(s)) at which s can
// be cut without splitting a rune.
func RuneCut(s string, n int) int {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// EncodeJSON marshals v without HTML escaping, so that prompts keep their
// "<", ">" and "&" as written.
func EncodeJSON(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
