package instrumentation

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzContentEncoder is the differential proof of the hand-written content
// encoder: for any strings and payloads (valid JSON or not), marshalContent
// produces exactly what encoding/json produces, error included.
func FuzzContentEncoder(f *testing.F) {
	f.Add("user", "hello\n\"world\"\t<&>", []byte(`{"a": [1, 2]}`), 3)
	f.Add("assistant", "\x00\x1f\x7f\xff\u2028\u2029é😀\\/", []byte(" not json "), 0)
	f.Add("", "", []byte{}, -1)
	f.Add("tool", strings.Repeat("ab\u2028", 20), []byte(`"s"`), 1<<20)
	f.Fuzz(func(t *testing.T, role, text string, payload []byte, n int) {
		parts := []Part{
			TextPart(text),
			{Type: "reasoning", Content: role + text},
			ToolCallPart(text, role, payload),
			ToolResponsePart(role, payload),
			{Type: "blob", MimeType: text, Modality: role, OmittedBytes: n},
			{Type: text, URI: role, FileID: text, Name: role, ID: role},
			{Type: "tool_call", Arguments: bytes.Clone(payload)}, // may be invalid JSON
		}
		cases := [][]Part{parts, parts[:6], nil, {}}
		for _, ps := range cases {
			want, wantErr := encodeJSON(ps)
			got, err := marshalContent(ps)
			if string(got) != string(want) || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("parts:\ngot  %s (%v)\nwant %s (%v)", got, err, want, wantErr)
			}
			msgs := []Message{{Role: role, Parts: ps, Name: text, FinishReason: role}, {Role: text}}
			for _, ms := range [][]Message{msgs, msgs[1:], nil} {
				want, wantErr := encodeJSON(ms)
				got, err := marshalContent(ms)
				if string(got) != string(want) || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
					t.Fatalf("messages:\ngot  %s (%v)\nwant %s (%v)", got, err, want, wantErr)
				}
			}
		}
	})
}
