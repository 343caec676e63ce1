package llmcall

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// decodeEvents decodes each event with one EventDecoder and, separately, with
// Decode, returning both results per event.
func decodeEvents(events [][]byte) (got, want []any, gotErr, wantErr []string) {
	var d EventDecoder
	for _, ev := range events {
		var g, w any
		ge, we := d.Decode(ev, &g, "event"), Decode(ev, &w, "event")
		got, want = append(got, g), append(want, w)
		gotErr, wantErr = append(gotErr, errString(ge)), append(wantErr, errString(we))
	}
	return got, want, gotErr, wantErr
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestEventDecoder: a sequence of events decodes as each event alone would,
// including events that are not one JSON value and the events after them.
func TestEventDecoder(t *testing.T) {
	cases := []struct {
		name   string
		events []string
	}{
		{"values", []string{`{"a":1}`, ` {"b":[1,2]} `, `"s"`, `2`, `null`}},
		{"trailing value", []string{`{"a":1} {"b":2}`, `{"c":3}`}},
		{"trailing garbage", []string{`{"a":1}x`, `{"a":1}}`, `{"c":3}`}},
		{"truncated", []string{`{"a":`, `{"c":3}`}},
		{"empty and blank", []string{``, `  `, `{"c":3}`}},
		{"invalid", []string{`{a:1}`, `[1,]`, `{"c":3}`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var events [][]byte
			for _, e := range tc.events {
				events = append(events, []byte(e))
			}
			got, want, gotErr, wantErr := decodeEvents(events)
			for i := range events {
				if gotErr[i] != wantErr[i] || (wantErr[i] == "" && !reflect.DeepEqual(got[i], want[i])) {
					t.Errorf("event %q: got %#v (%q), want %#v (%q)", events[i], got[i], gotErr[i], want[i], wantErr[i])
				}
			}
		})
	}
}

// FuzzEventDecoder: the lines of any input, as events of one stream, decode
// exactly as each line alone does with Decode.
func FuzzEventDecoder(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n{\"b\":2} x\n\n{\"c\":[1,{\"d\":null}]}\n\"\\u00e9\"\n1e3"))
	f.Fuzz(func(t *testing.T, input []byte) {
		events := bytes.Split(input, []byte{'\n'})
		got, want, gotErr, wantErr := decodeEvents(events)
		for i := range events {
			if gotErr[i] != wantErr[i] || (wantErr[i] == "" && !reflect.DeepEqual(got[i], want[i])) {
				t.Fatalf("event %q: got %#v (%q), want %#v (%q)", events[i], got[i], gotErr[i], want[i], wantErr[i])
			}
		}
	})
}

// FuzzStringValue: for any JSON value, StringValue agrees with json.Unmarshal
// into a string.
func FuzzStringValue(f *testing.F) {
	for _, s := range []string{`"a\u00e9\n"`, `null`, `[{"type":"text"}]`, `{"a":"b"}`, `12`, `true`, `""`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) || len(bytes.TrimSpace(raw)) != len(raw) {
			return // a decoded json.RawMessage is one value with no surrounding space
		}
		var want string
		wantOK := json.Unmarshal(raw, &want) == nil
		got, ok := StringValue(raw)
		if ok != wantOK || got != want {
			t.Fatalf("%s: got %q %v, want %q %v", raw, got, ok, want, wantOK)
		}
	})
}
