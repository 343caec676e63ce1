package instrumentation

import (
	"bytes"
	"encoding/json"
)

// rewriteRequest adds stream_options.include_usage=true to streaming requests
// that do not say anything about it, so that the last chunk carries usage.
// The caller's bytes are kept as they are: the option is inserted in place.
func (c openaiCodec) rewriteRequest(body []byte, cfg *config) []byte {
	if !cfg.streamUsage || !bytes.Contains(body, []byte(`"stream"`)) {
		return nil
	}
	if out, ok := rewriteRequestFast(body); ok {
		return out
	}
	return rewriteRequestSlow(body)
}

// rewriteRequestFast inserts the option with one validating scan. ok is false
// when the body needs the reference rewrite (invalid JSON or escaped keys,
// which encoding/json would unescape). Repeated keys behave as in
// encoding/json: the last one counts.
func rewriteRequestFast(body []byte) (out []byte, ok bool) {
	d := jdec{data: body}
	var stream []byte
	optStart, optEnd, optHasUsage := -1, -1, false
	isObject := d.object(func(key []byte) {
		switch string(key) {
		case "stream":
			stream = d.raw()
		case "stream_options":
			optStart, optEnd, optHasUsage = d.pos, -1, false
			if d.peek() != '{' {
				d.skip()
				optEnd = d.pos
				return
			}
			d.object(func(key []byte) {
				optHasUsage = optHasUsage || string(key) == "include_usage"
				d.skip()
			})
			optEnd = d.pos
		default:
			d.skip()
		}
	})
	if !d.end() {
		return nil, false
	}
	if !isObject || string(stream) != "true" {
		return nil, true
	}
	const usage = `"include_usage":true`
	var insert string
	at, cut := 0, 0
	switch {
	case optStart < 0: // absent: add the member before the closing brace
		at = bytes.LastIndexByte(body, '}')
		insert = `,"stream_options":{` + usage + `}`
	case string(body[optStart:optEnd]) == "null":
		at, cut, insert = optStart, optEnd-optStart, `{`+usage+`}`
	case body[optStart] != '{':
		return nil, true // encoding/json would fail to decode it: leave it
	case optHasUsage:
		return nil, true // the caller decided
	default:
		at, insert = optStart+1, usage
		if inner := bytes.TrimLeft(body[optStart+1:optEnd], " \t\r\n"); inner[0] != '}' {
			insert += ","
		}
	}
	out = make([]byte, 0, len(body)+len(insert)-cut)
	out = append(out, body[:at]...)
	out = append(out, insert...)
	return append(out, body[at+cut:]...), true
}

// rewriteRequestSlow is the reference rewrite through encoding/json maps,
// used for the bodies the fast path does not handle (escaped keys, invalid
// JSON). Its output has sorted keys.
func rewriteRequestSlow(body []byte) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || string(obj["stream"]) != "true" {
		return nil
	}
	opts := map[string]json.RawMessage{}
	if raw, ok := obj["stream_options"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &opts) != nil {
			return nil
		}
		if _, ok := opts["include_usage"]; ok {
			return nil // the caller decided
		}
	}
	opts["include_usage"] = json.RawMessage("true")
	enc, err := encodeJSON(opts)
	if err != nil {
		return nil
	}
	obj["stream_options"] = enc
	out, err := encodeJSON(obj)
	if err != nil {
		return nil
	}
	return out
}
