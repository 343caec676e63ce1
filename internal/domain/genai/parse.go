package genai

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxMessagesBytes bounds the values ParseMessages decodes; a larger value
// is kept whole as text, so one hostile attribute cannot cost unbounded
// memory.
const MaxMessagesBytes = 16 << 20

// MaxElements bounds the messages and parts ParseMessages builds from one
// value; a value with more is kept whole as text, so a value of tiny
// elements cannot cost many times its size in memory.
const MaxElements = 10000

// maxFlags bounds the unreadable members reported one by one.
const maxFlags = 10

// errTooMany stops a parse that reached MaxElements.
var errTooMany = errors.New("too many elements")

// Errors ParseMessages wraps; the messages it returns with them still hold
// all of the value's content.
var (
	// ErrNotJSON: the value is not JSON; it is returned as one text part.
	ErrNotJSON = errors.New("not JSON")
	// ErrTooLarge: the value exceeds MaxMessagesBytes or MaxElements; it is
	// returned as one text part.
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
			if err == nil {
				err = r.count()
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
	switch {
	case errors.Is(err, errTooMany):
		return textOnly(value), fmt.Errorf("parse messages: %w (more than %d messages and parts)", ErrTooLarge, MaxElements)
	case err != nil:
		return textOnly(value), fmt.Errorf("parse messages: %w at byte %d: %w", ErrNotJSON, r.i, err)
	}
	if r.unflagged > 0 {
		r.flags = append(r.flags, fmt.Errorf("%w: %d more", ErrUnreadable, r.unflagged))
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
	// unflagged counts unreadable members beyond maxFlags.
	unflagged int
	elements  int
}

func (r *reader) flag(format string, args ...any) {
	if len(r.flags) >= maxFlags {
		r.unflagged++
		return
	}
	r.flags = append(r.flags, fmt.Errorf("%w: "+format, append([]any{ErrUnreadable}, args...)...))
}

// count counts one message or part built, stopping at MaxElements.
func (r *reader) count() error {
	if r.elements++; r.elements > MaxElements {
		return errTooMany
	}
	return nil
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
	role, name, finishReason, typ, id string
	callID                            string // tool_call_id, tool_use_id, toolCallId
	mimeType, modality, uri, fileID   string
	omittedBytes                      int
	content, text                     string // decoded strings
	contentRaw                        string // content that is not a string or an array
	args                              string // raw arguments, args or input
	result                            string // raw response, result or output
	// parts, contentItems and toolCalls are the members of those arrays,
	// converted as they are read.
	parts, contentItems, toolCalls []Part
	hasParts, hasContentItems      bool
	function                       *wireItem
	seenPayload, nameAfter         bool
}

// stringMember returns where the string member key goes, nil for members
// that are not strings.
func (w *wireItem) stringMember(key string) *string {
	switch key {
	case "role":
		return &w.role
	case "finish_reason":
		return &w.finishReason
	case "type":
		return &w.typ
	case "id":
		return &w.id
	case "tool_call_id", "tool_use_id", "toolCallId":
		return &w.callID
	case "mime_type":
		return &w.mimeType
	case "modality":
		return &w.modality
	case "uri":
		return &w.uri
	case "file_id":
		return &w.fileID
	}
	return nil
}

// item reads an object into w.
func (r *reader) item(w *wireItem) error {
	return r.container(func(key string) error {
		if dst := w.stringMember(key); dst != nil {
			return r.stringField(key, dst)
		}
		var err error
		switch key {
		case "name", "toolName":
			w.nameAfter = w.seenPayload
			return r.stringField(key, &w.name)
		case "omitted_bytes":
			raw, err := r.skip()
			if n, perr := strconv.Atoi(raw); err == nil && perr == nil {
				w.omittedBytes = n
			}
			return err
		case "parts":
			w.hasParts = true
			w.parts, err = r.items(key, false)
			return err
		case "tool_calls":
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
				w.contentItems, err = r.items(key, false)
				return err
			}
			return r.rawField(&w.contentRaw)
		case "text":
			w.seenPayload = true
			if r.peek() == '"' {
				return r.stringField(key, &w.text)
			}
			return r.rawField(&w.text)
		case "arguments", "args", "input":
			w.seenPayload = true
			return r.rawField(&w.args)
		case "response", "result", "output":
			w.seenPayload = true
			return r.rawField(&w.result)
		}
		_, err = r.skip()
		return err
	})
}

// rawField reads any value as its JSON text; null is nothing.
func (r *reader) rawField(dst *string) error {
	raw, err := r.skip()
	if raw != "null" {
		*dst = raw
	}
	return err
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
		return r.count()
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
		dst = append(dst, Part{Type: "tool_call_response", ID: w.callID, Response: rawOrString(w.contentRaw, w.content)})
	case w.content != "":
		dst = append(dst, Part{Type: "text", Content: w.content})
	case w.contentRaw != "":
		dst = append(dst, Part{Type: "text", Content: w.contentRaw})
	case w.text != "":
		dst = append(dst, Part{Type: "text", Content: w.text})
	}
	dst = append(dst, w.toolCalls...)
	if f := w.function; f != nil {
		dst = append(dst, Part{Type: "tool_call", Name: f.name, Arguments: jsonArg(f.args), nameAfter: f.nameAfter})
	}
	return dst
}

// appendToolCall converts an OpenAI tool_calls element.
func (w *wireItem) appendToolCall(dst []Part) []Part {
	if f := w.function; f != nil {
		return append(dst, Part{Type: "tool_call", ID: w.id, Name: f.name, Arguments: jsonArg(f.args), nameAfter: f.nameAfter})
	}
	return w.appendPart(dst)
}

// appendPart converts one part in the semconv, OpenAI, Anthropic or AI SDK
// shape.
func (w *wireItem) appendPart(dst []Part) []Part {
	p := Part{Type: w.typ, ID: w.id, Name: w.name, MimeType: w.mimeType, Modality: w.modality, URI: w.uri, FileID: w.fileID,
		OmittedBytes: w.omittedBytes, nameAfter: w.nameAfter}
	p.Arguments, p.Response = raw(w.args), raw(w.result)
	switch w.typ {
	case "tool-call", "tool_use":
		p.Type, p.ID = "tool_call", first(w.id, w.callID)
		return append(dst, p)
	case "tool-result", "tool_result":
		p.Type, p.ID = "tool_call_response", first(w.id, w.callID)
		if p.Response == nil {
			p.Response = w.contentJSON()
		}
		return append(dst, p)
	}
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
