package genai

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestInstrumentationContract reads message JSON of every shape the
// instrumentation module emits (its own Message and Part types, which a
// separate module keeps) and writes it back: nothing may be lost or
// changed, so the two definitions cannot drift apart silently.
func TestInstrumentationContract(t *testing.T) {
	data, err := os.ReadFile("testdata/instrumentation.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []struct {
		Source, Attribute string
		Value             json.RawMessage
	}
	if err := json.Unmarshal(data, &fixtures); err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		var back string
		if f.Attribute == SystemInstructions {
			parts, err := ParseParts(string(f.Value))
			if err != nil {
				t.Errorf("%s: %v", f.Source, err)
			}
			back = EncodeParts(parts)
		} else {
			msgs, err := ParseMessages(string(f.Value))
			if err != nil {
				t.Errorf("%s: %v", f.Source, err)
			}
			back = EncodeMessages(msgs)
		}
		if !jsonEqual(t, back, string(f.Value)) {
			t.Errorf("%s %s: round trip\n got %s\nwant %s", f.Source, f.Attribute, back, f.Value)
		}
	}
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// roleText is what a reader of a message sees.
type roleText struct{ Role, Text string }

func texts(msgs []Message) []roleText {
	var out []roleText
	for _, m := range msgs {
		out = append(out, roleText{m.Role, m.NamedText()})
	}
	return out
}

func TestParseMessagesShapes(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []roleText
	}{
		{"semconv", `[{"role":"user","parts":[{"type":"text","content":"a"},{"type":"text","content":"b"}]}]`, []roleText{{"user", "a\nb"}}},
		{"openai string content", `[{"role":"user","content":"hi"}]`, []roleText{{"user", "hi"}}},
		{"openai part content", `[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}}]}]`, []roleText{{"user", "a"}}},
		{"one object", `{"role":"assistant","content":"x\u00e9\n"}`, []roleText{{"assistant", "xé\n"}}},
		{"strings", `["just text"]`, []roleText{{"", "just text"}}},
		{"empty array", `[]`, nil},
		{"null element", `[null,{"role":"user","content":"a"}]`, []roleText{{"user", "a"}}},
		{"tool name before arguments", `[{"role":"assistant","parts":[{"type":"tool_call","name":"f","arguments":{"q":1}}]}]`, []roleText{{"assistant", "f\n{\"q\":1}"}}},
		{"tool name after arguments", `[{"role":"assistant","parts":[{"arguments":{"q":1},"name":"f","type":"tool_call"}]}]`, []roleText{{"assistant", "{\"q\":1}\nf"}}},
		{"openai tool calls", `[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"q\":1}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}]`,
			[]roleText{{"assistant", "f\n{\"q\":1}"}, {"tool", "ok"}}},
		{"anthropic blocks", `[{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{"q":1}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"42"}]}]`,
			[]roleText{{"assistant", "f\n{\"q\":1}"}, {"user", "42"}}},
		{"ai sdk parts", `[{"role":"assistant","content":[{"type":"tool-call","toolCallId":"c","toolName":"f","args":{"q":1}}]},{"role":"tool","content":[{"type":"tool-result","toolCallId":"c","toolName":"f","result":{"a":2}}]}]`,
			[]roleText{{"assistant", "f\n{\"q\":1}"}, {"tool", "f\n{\"a\":2}"}}},
		{"system parts", `[{"type":"text","content":"be brief"}]`, []roleText{{"", "be brief"}}},
		{"surrogate pair and lone surrogate", `["\ud83d\ude00 \ud800\u0041"]`, []roleText{{"", "😀 \uFFFDA"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			msgs, err := ParseMessages(c.in)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if got := texts(msgs); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestParseMessagesFlags(t *testing.T) {
	for _, c := range []struct {
		name, in string
		err      error
		want     []roleText
	}{
		{"empty", "  ", nil, nil},
		{"not JSON", "plain prompt text", ErrNotJSON, []roleText{{"", "plain prompt text"}}},
		{"truncated", `[{"role":"user"`, ErrNotJSON, []roleText{{"", `[{"role":"user"`}}},
		{"trailing comma", `[1,]`, ErrNotJSON, []roleText{{"", `[1,]`}}},
		{"bad literal", `[{"role":"user","x":tru}]`, ErrNotJSON, []roleText{{"", `[{"role":"user","x":tru}]`}}},
		{"text after the value", `[] x`, ErrNotJSON, []roleText{{"", `[] x`}}},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), ErrNotJSON, []roleText{{"", strings.Repeat("[", 100) + strings.Repeat("]", 100)}}},
		{"number element", `[{"role":"user","content":"a"},7]`, ErrUnreadable, []roleText{{"user", "a"}, {"", "7"}}},
		{"role not a string", `[{"role":1,"content":"a"}]`, ErrUnreadable, []roleText{{"", "a"}}},
		{"invalid UTF-8", "[{\"role\":\"user\",\"content\":\"a\xffb\"}]", ErrInvalidUTF8, []roleText{{"user", "a\xffb"}}},
		{"flagged without text", "[{\"role\":\"\xff\"}]", ErrInvalidUTF8, []roleText{{"", "[{\"role\":\"\xff\"}]"}}},
		{"too large", `["` + strings.Repeat("a", MaxMessagesBytes) + `"]`, ErrTooLarge, []roleText{{"", `["` + strings.Repeat("a", MaxMessagesBytes) + `"]`}}},
		{"too many elements", "[" + strings.Repeat(`"a",`, MaxElements) + `"a"]`, ErrTooLarge, []roleText{{"", "[" + strings.Repeat(`"a",`, MaxElements) + `"a"]`}}},
		{"too many parts", `[{"role":"user","parts":[` + strings.Repeat(`"a",`, MaxElements) + `"a"]}]`, ErrTooLarge,
			[]roleText{{"", `[{"role":"user","parts":[` + strings.Repeat(`"a",`, MaxElements) + `"a"]}]`}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			msgs, err := ParseMessages(c.in)
			if !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if got := texts(msgs); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %.200q, want %.200q", got, c.want)
			}
		})
	}
}

// TestParseMessagesManyFlags checks that unreadable elements beyond the
// first few are counted, not listed, and still kept as text.
func TestParseMessagesManyFlags(t *testing.T) {
	msgs, err := ParseMessages("[" + strings.Repeat("1,", 25) + `"a"]`)
	if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "15 more") {
		t.Fatalf("error %v, want the first %d listed and 15 more counted", err, maxFlags)
	}
	if len(msgs) != 26 || msgs[0].Text() != "1" || msgs[25].Text() != "a" {
		t.Fatalf("got %d messages: %q", len(msgs), texts(msgs))
	}
}

func TestEncode(t *testing.T) {
	got := EncodeMessages([]Message{{Role: "tool", Parts: []Part{
		{Type: "tool_call_response", ID: "c", Response: JSONValue(`{"a": "<b>"}`)},
		{Type: "tool_call_response", Response: JSONValue("a<b")},
		{Type: "text", Content: "x & y"},
	}}})
	want := `[{"role":"tool","parts":[{"type":"tool_call_response","id":"c","response":{"a":"<b>"}},{"type":"tool_call_response","response":"a<b"},{"type":"text","content":"x & y"}]}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := TextMessages("user", "hi"); got != `[{"role":"user","parts":[{"type":"text","content":"hi"}]}]` {
		t.Errorf("TextMessages = %s", got)
	}
	if JSONValue("") != nil {
		t.Error("JSONValue(\"\") is not nil")
	}
}

// FuzzParseMessages checks that the parser never panics, never loses the
// content of a value it flags, and reads valid semconv JSON exactly as
// encoding/json does.
func FuzzParseMessages(f *testing.F) {
	for _, s := range []string{
		``, `[]`, `{}`, `null`, `"x"`, `[{"role":"user","parts":[{"type":"text","content":"a"}]}]`,
		`[{"role":"user","content":[{"type":"text","text":"a"}]}]`, `[{"parts":[{"content":{"deep":[1,2]}}]}]`,
		`[{"role":"assistant","parts":[{"type":"tool_call","id":"c","name":"f","arguments":{"q":[1,2.5e3,true,null]}}],"finish_reason":"stop"}]`,
		`[{"role":"tool","parts":[{"type":"tool_call_response","id":"c","response":"\u00e9\ud83d\ude00\ud800\n"}]}]`,
		"\xff\xfe", `[[[[[[[[[[`, `{"a":1,"b":[2,3]}`, `[{"role":1}]`, `[{"role":"user","content":"a"},7]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		msgs, err := ParseMessages(s)
		if err != nil && !hasText(msgs) && strings.TrimSpace(s) != "" {
			t.Fatalf("flagged value %q came back without its content: %v", s, err)
		}
		parts, _ := ParseParts(s)
		_ = EncodeParts(parts)
		var ref []Message
		d := json.NewDecoder(strings.NewReader(s))
		d.DisallowUnknownFields()
		if d.Decode(&ref) != nil || d.More() || strings.TrimSpace(s)[0] != '[' || !strings.Contains(s, `"parts"`) || !exactKeys(s) {
			return
		}
		if err != nil && !errors.Is(err, ErrInvalidUTF8) {
			t.Fatalf("valid semconv %q: %v", s, err)
		}
		if errors.Is(err, ErrInvalidUTF8) {
			return // encoding/json replaces invalid bytes; the parser keeps them
		}
		if got, want := EncodeMessages(msgs), EncodeMessages(ref); got != want && !emptyPartsOnly(ref) {
			t.Fatalf("%q:\n parsed  %s\n json    %s", s, got, want)
		}
	})
}

// emptyPartsOnly reports messages whose parts are all absent: the parser
// then falls back to the message's other content, which encoding/json does
// not read.
func emptyPartsOnly(msgs []Message) bool {
	for _, m := range msgs {
		if len(m.Parts) == 0 {
			return true
		}
	}
	return false
}

// exactKeys reports whether every message and part key is a semconv key
// as spelt (encoding/json also matches keys case-insensitively).
func exactKeys(s string) bool {
	msgKeys := map[string]bool{"role": true, "parts": true, "name": true, "finish_reason": true}
	partKeys := map[string]bool{"type": true, "content": true, "id": true, "name": true, "arguments": true, "response": true,
		"mime_type": true, "modality": true, "uri": true, "file_id": true, "omitted_bytes": true}
	var msgs []map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &msgs) != nil {
		return false
	}
	for _, m := range msgs {
		for k := range m {
			if !msgKeys[k] {
				return false
			}
		}
		var parts []map[string]json.RawMessage
		if len(m["parts"]) > 0 && json.Unmarshal(m["parts"], &parts) != nil {
			return false
		}
		for _, p := range parts {
			for k := range p {
				if !partKeys[k] {
					return false
				}
			}
		}
	}
	return true
}
