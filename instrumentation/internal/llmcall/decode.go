package llmcall

import (
	"bytes"
	"encoding/json"
	"io"
)

// Decode unmarshals a JSON body, naming what it is in the error.
func Decode(body []byte, v any, what string) error {
	if err := json.Unmarshal(body, v); err != nil {
		return &Error{Type: ErrorTypeInvalidResponse, Message: "decode " + what + ": " + err.Error()}
	}
	return nil
}

// EventDecoder decodes the events of one stream with one json.Decoder, so
// that the decoder's state is allocated once per stream instead of once per
// event. An event holding anything but one JSON value is decoded again by
// [Decode], so that it is rejected with the same error as a plain body.
type EventDecoder struct {
	r   bytes.Reader
	dec *json.Decoder
}

// Decode decodes data, one event's JSON value, into v.
func (d *EventDecoder) Decode(data []byte, v any, what string) error {
	if d.dec == nil {
		d.dec = json.NewDecoder(&d.r)
	}
	d.r.Reset(data)
	err := d.dec.Decode(v)
	if err == nil {
		if _, err = d.dec.Token(); err == io.EOF { // nothing follows the value
			return nil
		}
	}
	d.dec = nil // a json.Decoder keeps its first error
	return Decode(data, v, what)
}

// StringValue returns the string in raw, a value decoded as a
// json.RawMessage, as json.Unmarshal into a string would (null is ""); ok is
// false for any other value, which is then not scanned at all.
func StringValue(raw json.RawMessage) (s string, ok bool) {
	if len(raw) == 0 || (raw[0] != '"' && raw[0] != 'n') {
		return "", false
	}
	return s, json.Unmarshal(raw, &s) == nil
}
