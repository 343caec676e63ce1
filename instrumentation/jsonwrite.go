package instrumentation

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The content attributes are encoded by hand, appending to one buffer: the
// output is byte for byte what encodeJSON (encoding/json without HTML
// escaping) produces for []Part and []Message, which FuzzContentEncoder
// proves, at a fraction of the cost.

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped as encoding/json does
// with HTML escaping off: quotes, backslashes and control characters are
// escaped, invalid UTF-8 becomes \ufffd, U+2028 and U+2029 are escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	i := 0
	for end := min(len(s), 24); i < end && strSafe[s[i]]; i++ { // short strings
	}
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	start := 0
	f := newSpecialFinder()
	for i < len(s) {
		i = f.next(stringView(s), i)
		if i >= len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendField appends ,"name":"value" (or without the comma for the first
// field) when value is not empty.
func appendField(dst []byte, name, value string) []byte {
	if value == "" {
		return dst
	}
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendJSONString(dst, value)
}

// appendRaw appends ,"name":raw with raw compacted, as encoding/json does
// for a json.RawMessage field.
func appendRaw(dst []byte, name string, raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return dst, nil
	}
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, raw); err != nil {
		return dst, err
	}
	return buf.Bytes(), nil
}

func appendPart(dst []byte, p *Part) ([]byte, error) {
	dst = append(dst, `{"type":`...)
	dst = appendJSONString(dst, p.Type)
	dst = appendField(dst, "content", p.Content)
	dst = appendField(dst, "id", p.ID)
	dst = appendField(dst, "name", p.Name)
	var err error
	if dst, err = appendRaw(dst, "arguments", p.Arguments); err != nil {
		return dst, err
	}
	if dst, err = appendRaw(dst, "response", p.Response); err != nil {
		return dst, err
	}
	dst = appendField(dst, "mime_type", p.MimeType)
	dst = appendField(dst, "modality", p.Modality)
	dst = appendField(dst, "uri", p.URI)
	dst = appendField(dst, "file_id", p.FileID)
	if p.OmittedBytes != 0 {
		dst = append(dst, `,"omitted_bytes":`...)
		dst = strconv.AppendInt(dst, int64(p.OmittedBytes), 10)
	}
	return append(dst, '}'), nil
}

func appendParts(dst []byte, parts []Part) ([]byte, error) {
	if parts == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	for i := range parts {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendPart(dst, &parts[i]); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendMessage(dst []byte, m *Message) ([]byte, error) {
	dst = append(dst, `{"role":`...)
	dst = appendJSONString(dst, m.Role)
	dst = append(dst, `,"parts":`...)
	dst, err := appendParts(dst, m.Parts)
	if err != nil {
		return dst, err
	}
	dst = appendField(dst, "name", m.Name)
	dst = appendField(dst, "finish_reason", m.FinishReason)
	return append(dst, '}'), nil
}

// partsSize estimates the encoded size of parts, to size the buffer once.
func partsSize(parts []Part) int {
	n := 2
	for i := range parts {
		p := &parts[i]
		n += 48 + len(p.Type) + len(p.Content) + len(p.ID) + len(p.Name) + len(p.Arguments) + len(p.Response) + len(p.MimeType) + len(p.URI) + len(p.FileID)
	}
	return n
}

// marshalContent encodes parts or messages; its output equals
// encodeJSON(items), including the error for an invalid raw JSON payload.
func marshalContent[T Part | Message](items []T) ([]byte, error) {
	var out []byte
	var err error
	switch v := any(items).(type) {
	case []Part:
		out, err = appendParts(make([]byte, 0, partsSize(v)), v)
	case []Message:
		size := 2
		for i := range v {
			size += 64 + len(v[i].Role) + len(v[i].Name) + partsSize(v[i].Parts)
		}
		out = make([]byte, 0, size)
		if v == nil {
			out = append(out, "null"...)
			break
		}
		out = append(out, '[')
		for i := range v {
			if i > 0 {
				out = append(out, ',')
			}
			if out, err = appendMessage(out, &v[i]); err != nil {
				break
			}
		}
		out = append(out, ']')
	}
	if err != nil {
		return encodeJSON(items) // the reference error message
	}
	return out, nil
}
