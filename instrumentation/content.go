package instrumentation

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
	return jsonString(string(b))
}

func jsonString(s string) json.RawMessage {
	out, _ := json.Marshal(s) // marshaling a string cannot fail
	return out
}

// modality returns the semconv modality of a MIME type.
func modality(mime string) string {
	for _, m := range []string{"image", "video", "audio"} {
		if len(mime) > len(m) && mime[:len(m)] == m && mime[len(m)] == '/' {
			return m
		}
	}
	return ""
}

// truncMarker returns the marker appended where content was cut.
func truncMarker(cut int) string {
	return "…[truncated " + strconv.Itoa(cut) + " bytes]"
}

// truncateString shortens s to at most limit bytes of its text (cut on a rune
// boundary) followed by the truncation marker.
func truncateString(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := runeCut(s, limit)
	return s[:cut] + truncMarker(len(s)-cut)
}

// runeCut returns the largest length of at most n (n < len(s)) at which s can
// be cut without splitting a rune.
func runeCut(s string, n int) int {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// encodeJSON marshals v without HTML escaping, so that prompts keep their
// "<", ">" and "&" as written.
func encodeJSON(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// capPart returns p with its text and JSON payloads shortened to limit bytes.
func capPart(p Part, limit int) Part {
	p.Content = truncateString(p.Content, limit)
	if len(p.Arguments) > limit {
		p.Arguments = jsonString(truncateString(string(p.Arguments), limit))
	}
	if len(p.Response) > limit {
		p.Response = jsonString(truncateString(string(p.Response), limit))
	}
	return p
}

func capParts(parts []Part, limit int) []Part {
	out := make([]Part, len(parts))
	for i, p := range parts {
		out[i] = capPart(p, limit)
	}
	return out
}

func capMessages(msgs []Message, limit int) []Message {
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		m.Parts = capParts(m.Parts, limit)
		out[i] = m
	}
	return out
}

// encodeBounded encodes parts or messages (the only two shapes of content
// attributes) as JSON of at most limit bytes. When the full encoding is too
// large, every string is cut to the largest common length that fits, with a
// marker at each cut; if even that is too large, the oldest elements are
// dropped and replaced by one marker element. The result is always valid
// JSON. truncated reports whether anything was cut.
func encodeBounded[T Part | Message](items []T, limit int, capFn func([]T, int) []T, marker func(int) T) (string, bool, error) {
	full, err := encodeJSON(items)
	if err != nil {
		return "", false, err
	}
	if len(full) <= limit {
		return full, false, nil
	}
	// Largest per-string cap that fits, by binary search.
	lo, hi := -1, limit
	best := ""
	for lo < hi-1 {
		mid := (lo + hi) / 2
		enc, err := encodeJSON(capFn(items, mid))
		if err != nil {
			return "", false, err
		}
		if len(enc) <= limit {
			lo, best = mid, enc
		} else {
			hi = mid
		}
	}
	if best != "" {
		return best, true, nil
	}
	// Too many elements even with empty strings: keep the newest ones.
	capped := capFn(items, 0)
	for drop := 1; drop <= len(capped); drop *= 2 {
		kept := append([]T{marker(drop)}, capped[drop:]...)
		enc, err := encodeJSON(kept)
		if err != nil {
			return "", false, err
		}
		if len(enc) <= limit {
			return enc, true, nil
		}
	}
	enc, err := encodeJSON([]T{marker(len(items))})
	return enc, true, err
}

func droppedText(n int) string {
	return "…[truncated " + strconv.Itoa(n) + " earlier elements]"
}

// encodeParts encodes system instructions within limit bytes.
func encodeParts(parts []Part, limit int) (string, bool, error) {
	return encodeBounded(parts, limit, capParts, func(n int) Part { return TextPart(droppedText(n)) })
}

// encodeMessages encodes input or output messages within limit bytes.
func encodeMessages(msgs []Message, limit int) (string, bool, error) {
	return encodeBounded(msgs, limit, capMessages, func(n int) Message {
		return Message{Role: "truncated", Parts: []Part{TextPart(droppedText(n))}}
	})
}
