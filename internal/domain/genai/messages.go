package genai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

// MaxMessagesBytes bounds the values ParseMessages decodes; a larger value
// is kept whole as text, so one hostile attribute cannot cost unbounded
// memory.
const MaxMessagesBytes = 16 << 20

// Errors ParseMessages wraps; the messages it returns with them still hold
// all of the value's content.
var (
	// ErrNotJSON: the value is not JSON; it is returned as one text part.
	ErrNotJSON = errors.New("not JSON")
	// ErrTooLarge: the value exceeds MaxMessagesBytes; it is returned as one
	// text part.
	ErrTooLarge = errors.New("too large")
	// ErrInvalidUTF8: a string of the value has invalid UTF-8, kept as
	// given.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrUnreadable: an element is neither a message, a part nor a string;
	// its JSON is returned as one text part.
	ErrUnreadable = errors.New("unreadable element")
)

// ParseMessages decodes gen_ai.input.messages, gen_ai.output.messages or
// gen_ai.system_instructions. It reads the semconv shape
// ([{"role":…,"parts":[…],"finish_reason":…}]), arrays of parts, and the
// shapes other instrumentations record: OpenAI messages (string or
// part-array content, tool_calls, function_call, tool_call_id), Anthropic
// content blocks (tool_use, tool_result), Vercel AI SDK parts (tool-call,
// tool-result), a single message object, and plain strings. It never drops
// content: when it cannot read all of the value it returns an error and
// messages that still hold everything (a value that is not JSON, or too
// large, comes back whole as one text part). An empty value gives no
// messages and no error.
func ParseMessages(value string) ([]Message, error) {
	if strings.TrimSpace(value) == "" {
		return nil, nil
	}
	if len(value) > MaxMessagesBytes {
		return textOnly(value), fmt.Errorf("parse messages: %w (%d bytes, limit %d)", ErrTooLarge, len(value), MaxMessagesBytes)
	}
	r := reader{scanner: scanner{s: value}}
	var msgs []Message
	var err error
	switch r.peek() {
	case '[':
		err = r.container(func(string) error {
			m, ok, err := r.element()
			if ok {
				msgs = append(msgs, m)
			}
			return err
		})
	case '{':
		var w wireItem
		err = r.item(&w)
		msgs = []Message{w.message()}
	case '"':
		var t string
		t, err = r.str()
		msgs = []Message{{Parts: []Part{{Type: "text", Content: t}}}}
	default:
		err = errors.New("not an array, object or string")
	}
	if err == nil && r.peek() != 0 {
		err = errors.New("text after the value")
	}
	if err != nil {
		return textOnly(value), fmt.Errorf("parse messages: %w at byte %d: %w", ErrNotJSON, r.i, err)
	}
	if r.badUTF8 {
		r.flags = append(r.flags, ErrInvalidUTF8)
	}
	if len(r.flags) == 0 {
		return msgs, nil
	}
	err = fmt.Errorf("parse messages: %w", errors.Join(r.flags...))
	if !hasText(msgs) {
		// A flagged value always comes back with its content.
		return textOnly(value), err
	}
	return msgs, err
}

// ParseParts decodes gen_ai.system_instructions into its parts, accepting
// everything ParseMessages accepts.
func ParseParts(value string) ([]Part, error) {
	msgs, err := ParseMessages(value)
	if len(msgs) == 1 {
		return msgs[0].Parts, err
	}
	var parts []Part
	for _, m := range msgs {
		parts = append(parts, m.Parts...)
	}
	return parts, err
}

func hasText(msgs []Message) bool {
	for _, m := range msgs {
		for _, p := range m.Parts {
			if p.Text() != "" {
				return true
			}
		}
	}
	return false
}

// textOnly keeps a value it cannot read as one text part.
func textOnly(value string) []Message {
	return []Message{{Parts: []Part{{Type: "text", Content: value}}}}
}

// reader reads message values, collecting what it read but could not use.
type reader struct {
	scanner
	flags []error
}

func (r *reader) flag(format string, args ...any) {
	r.flags = append(r.flags, fmt.Errorf("%w: "+format, append([]any{ErrUnreadable}, args...)...))
}

// element reads one array element: a message or part object, or a string;
// null is nothing; anything else is kept as its JSON text and flagged.
func (r *reader) element() (Message, bool, error) {
	at := r.i
	switch r.peek() {
	case '{':
		var w wireItem
		err := r.item(&w)
		return w.message(), true, err
	case '"':
		t, err := r.str()
		return Message{Parts: []Part{{Type: "text", Content: t}}}, true, err
	}
	raw, err := r.skip()
	if err != nil || raw == "null" {
		return Message{}, false, err
	}
	r.flag("element at byte %d is %.20s, kept as text", at, raw)
	return Message{Parts: []Part{{Type: "text", Content: raw}}}, true, nil
}

// wireItem is a message or a part in any shape ParseMessages reads; raw
// fields hold JSON text.
type wireItem struct {
	role, name, finishReason, typ, id               string
	toolCallID, toolUseID, sdkCallID, sdkToolName   string
	mimeType, modality, uri, fileID                 string
	omittedBytes                                    int
	content, text                                   string // decoded strings
	contentRaw                                      string // content that is not a string or an array
	arguments, response, result, input, output, arg string
	// parts, contentParts and toolCalls are the members of those arrays,
	// converted as they are read.
	parts, contentItems, toolCalls []Part
	hasParts, hasContentItems      bool
	function                       *wireItem
	seenPayload, nameAfter         bool
}

// item reads an object into w.
func (r *reader) item(w *wireItem) error {
	return r.container(func(key string) error {
		switch key {
		case "role":
			return r.stringField(key, &w.role)
		case "name":
			w.nameAfter = w.seenPayload
			return r.stringField(key, &w.name)
		case "finish_reason":
			return r.stringField(key, &w.finishReason)
		case "type":
			return r.stringField(key, &w.typ)
		case "id":
			return r.stringField(key, &w.id)
		case "tool_call_id":
			return r.stringField(key, &w.toolCallID)
		case "tool_use_id":
			return r.stringField(key, &w.toolUseID)
		case "toolCallId":
			return r.stringField(key, &w.sdkCallID)
		case "toolName":
			return r.stringField(key, &w.sdkToolName)
		case "mime_type":
			return r.stringField(key, &w.mimeType)
		case "modality":
			return r.stringField(key, &w.modality)
		case "uri":
			return r.stringField(key, &w.uri)
		case "file_id":
			return r.stringField(key, &w.fileID)
		case "omitted_bytes":
			raw, err := r.skip()
			if n, perr := strconv.Atoi(raw); err == nil && perr == nil {
				w.omittedBytes = n
			}
			return err
		case "parts":
			w.hasParts = true
			var err error
			w.parts, err = r.items(key, false)
			return err
		case "tool_calls":
			var err error
			w.toolCalls, err = r.items(key, true)
			return err
		case "function_call", "function":
			if r.peek() != '{' {
				_, err := r.skip()
				return err
			}
			w.function = &wireItem{}
			return r.item(w.function)
		case "content":
			w.seenPayload = true
			switch r.peek() {
			case '"':
				return r.stringField(key, &w.content)
			case '[':
				w.hasContentItems = true
				var err error
				w.contentItems, err = r.items(key, false)
				return err
			}
			raw, err := r.skip()
			if raw != "null" {
				w.contentRaw = raw
			}
			return err
		case "text":
			w.seenPayload = true
			if r.peek() == '"' {
				return r.stringField(key, &w.text)
			}
			raw, err := r.skip()
			w.text = raw
			return err
		case "arguments", "response", "result", "input", "output", "args":
			w.seenPayload = true
			raw, err := r.skip()
			if raw == "null" {
				raw = ""
			}
			switch key {
			case "arguments":
				w.arguments = raw
			case "response":
				w.response = raw
			case "result":
				w.result = raw
			case "input":
				w.input = raw
			case "output":
				w.output = raw
			default:
				w.arg = raw
			}
			return err
		}
		_, err := r.skip()
		return err
	})
}

// stringField reads a string member; any other value is flagged.
func (r *reader) stringField(key string, dst *string) error {
	if r.peek() == '"' {
		s, err := r.str()
		*dst = s
		return err
	}
	at := r.i
	raw, err := r.skip()
	if err == nil && raw != "null" {
		r.flag("%q at byte %d is %.20s, not a string", key, at, raw)
	}
	return err
}

// items reads an array of parts, or of OpenAI tool calls, as parts;
// strings are text parts.
func (r *reader) items(key string, toolCalls bool) ([]Part, error) {
	if r.peek() != '[' {
		at := r.i
		raw, err := r.skip()
		if err == nil && raw != "null" {
			r.flag("%q at byte %d is %.20s, not an array", key, at, raw)
		}
		return nil, err
	}
	out := []Part{}
	err := r.container(func(string) error {
		var w wireItem
		switch r.peek() {
		case '{':
			if err := r.item(&w); err != nil {
				return err
			}
		case '"':
			s, err := r.str()
			if err != nil {
				return err
			}
			w.typ, w.text = "text", s
		default:
			at := r.i
			raw, err := r.skip()
			if err != nil || raw == "null" {
				return err
			}
			r.flag("%q element at byte %d is %.20s, kept as text", key, at, raw)
			w.typ, w.text = "text", raw
		}
		if toolCalls {
			out = w.appendToolCall(out)
		} else {
			out = w.appendPart(out)
		}
		return nil
	})
	return out, err
}

// message converts an element of a message array.
func (w *wireItem) message() Message {
	m := Message{Role: w.role, Name: w.name, FinishReason: w.finishReason}
	switch {
	case w.hasParts:
		m.Parts = w.parts
		if len(m.Parts) == 0 {
			m.Parts = w.contentParts(m.Parts)
		}
	case w.role == "" && w.typ != "":
		// An element of an array of parts (gen_ai.system_instructions).
		m.Name = ""
		m.Parts = w.appendPart(nil)
	default:
		m.Parts = w.contentParts(nil)
	}
	return m
}

// contentParts converts an OpenAI-style message's content, tool calls and
// function call to parts.
func (w *wireItem) contentParts(dst []Part) []Part {
	switch {
	case w.hasContentItems:
		dst = append(dst, w.contentItems...)
	case w.role == "tool" && (w.content != "" || w.contentRaw != ""):
		dst = append(dst, Part{Type: "tool_call_response", ID: w.toolCallID, Response: rawOrString(w.contentRaw, w.content)})
	case w.content != "":
		dst = append(dst, Part{Type: "text", Content: w.content})
	case w.contentRaw != "":
		dst = append(dst, Part{Type: "text", Content: w.contentRaw})
	case w.text != "":
		dst = append(dst, Part{Type: "text", Content: w.text})
	}
	dst = append(dst, w.toolCalls...)
	if f := w.function; f != nil {
		dst = append(dst, Part{Type: "tool_call", Name: f.name, Arguments: jsonArg(f.arguments), nameAfter: f.nameAfter})
	}
	return dst
}

// appendToolCall converts an OpenAI tool_calls element.
func (w *wireItem) appendToolCall(dst []Part) []Part {
	if f := w.function; f != nil {
		return append(dst, Part{Type: "tool_call", ID: w.id, Name: f.name, Arguments: jsonArg(f.arguments), nameAfter: f.nameAfter})
	}
	return w.appendPart(dst)
}

// appendPart converts one part in the semconv, OpenAI, Anthropic or AI SDK
// shape.
func (w *wireItem) appendPart(dst []Part) []Part {
	p := Part{Type: w.typ, ID: w.id, Name: w.name, MimeType: w.mimeType, Modality: w.modality, URI: w.uri, FileID: w.fileID,
		OmittedBytes: w.omittedBytes, nameAfter: w.nameAfter}
	switch w.typ {
	case "tool-call", "tool_use":
		p.Type, p.ID, p.Name = "tool_call", first(w.id, w.sdkCallID), first(w.name, w.sdkToolName)
		p.Arguments = raw(first(w.arguments, w.arg, w.input))
		return append(dst, p)
	case "tool-result", "tool_result":
		p.Type, p.ID, p.Name = "tool_call_response", first(w.id, w.sdkCallID, w.toolUseID), first(w.name, w.sdkToolName)
		if p.Response = raw(first(w.response, w.result, w.output)); p.Response == nil {
			p.Response = w.contentJSON()
		}
		return append(dst, p)
	}
	p.Arguments = raw(first(w.arguments, w.arg, w.input))
	p.Response = raw(first(w.response, w.result, w.output))
	switch {
	case w.content != "":
		p.Content = w.content
	case w.contentRaw != "" || w.hasContentItems:
		if w.typ == "tool_call_response" && p.Response == nil {
			p.Response = w.contentJSON()
		} else {
			p.Content = string(w.contentJSON())
		}
	case w.text != "":
		p.Content = w.text
	}
	return append(dst, p)
}

// contentJSON renders content that is not one string back to JSON: raw
// when it was kept raw, the texts of its items joined otherwise.
func (w *wireItem) contentJSON() json.RawMessage {
	switch {
	case w.contentRaw != "":
		return json.RawMessage(w.contentRaw)
	case w.content != "":
		return JSONValue(w.content)
	case w.hasContentItems:
		return JSONValue(Message{Parts: w.contentItems}.Text())
	}
	return nil
}

// jsonArg keeps OpenAI's string-encoded arguments as their JSON when they
// are a JSON object or array, the way semconv records arguments.
func jsonArg(r string) json.RawMessage {
	if r == "" {
		return nil
	}
	if r[0] == '"' {
		if v := JSONValue(rawText(r)); v != nil {
			return v
		}
	}
	return json.RawMessage(r)
}

// rawOrString is raw JSON when given, else s as a JSON string.
func rawOrString(raw, s string) json.RawMessage {
	if raw != "" {
		return json.RawMessage(raw)
	}
	return quote(s)
}

func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// rawText returns a JSON string's value, or the JSON of anything else.
func rawText[T ~string | ~[]byte](r T) string {
	if len(r) > 1 && r[0] == '"' {
		sc := scanner{s: string(r)}
		if s, err := sc.str(); err == nil && sc.peek() == 0 {
			return s
		}
	}
	return string(r)
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
