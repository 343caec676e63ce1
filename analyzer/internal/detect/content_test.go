package detect

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

func TestParseMessages(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []Message
		err      bool
	}{
		{"empty", "", nil, false},
		{"semconv", `[{"role":"user","parts":[{"type":"text","content":"a"},{"type":"text","content":"b"}]}]`,
			[]Message{{Role: "user", Parts: []string{"a", "b"}}}, false},
		{"tool call and response", `[{"role":"assistant","parts":[{"type":"tool_call","name":"f","arguments":{"x":1}}]},{"role":"tool","parts":[{"type":"tool_call_response","response":"ok"}]}]`,
			[]Message{{Role: "assistant", Parts: []string{`{"x":1}`}}, {Role: "tool", Parts: []string{"ok"}}}, false},
		{"output with finish reason", `[{"role":"assistant","parts":[{"type":"text","content":"hi"}],"finish_reason":"length"}]`,
			[]Message{{Role: "assistant", Parts: []string{"hi"}, FinishReason: "length"}}, false},
		{"openai shape", `[{"role":"user","content":"hello"}]`, []Message{{Role: "user", Parts: []string{"hello"}}}, false},
		{"malformed keeps text", `[{"role":"user","parts":[`, []Message{{Parts: []string{`[{"role":"user","parts":[`}}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseMessages(c.in)
			if (err != nil) != c.err {
				t.Fatalf("err = %v, want error %v", err, c.err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestParseSystem(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{``, nil},
		{`[{"type":"text","content":"be brief"}]`, []string{"be brief"}},
		{`[{"role":"system","content":"be brief"}]`, []string{"be brief"}},
		{`plain text`, []string{"plain text"}},
	} {
		got, _ := ParseSystem(c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseSystem(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestCountJSONLeaves(t *testing.T) {
	for _, c := range []struct {
		in string
		n  int
		ok bool
	}{
		{`{"a":1,"b":[2,3],"c":{"d":null}}`, 4, true},
		{`[]`, 0, true},
		{`{"a":`, 0, false},
	} {
		n, ok := countJSONLeaves(c.in)
		if n != c.n || ok != c.ok {
			t.Errorf("countJSONLeaves(%q) = %d, %v", c.in, n, ok)
		}
	}
}

func TestTokensFor(t *testing.T) {
	ci := newCallInfo(&run.Call{InputMessages: `[{"role":"user","parts":[{"type":"text","content":"` + strings.Repeat("a", 1000) + `"}]}]`})
	if got := ci.tokensFor(500); got != 125 {
		t.Fatalf("no usage: %d, want bytes/4", got)
	}
	ci.c.Usage.InputTokens = 300
	if got := ci.tokensFor(500); got != 150 {
		t.Fatalf("proportional share: %d, want 150", got)
	}
	if got := ci.tokensFor(5000); got != 300 {
		t.Fatalf("capped: %d", got)
	}
}

// FuzzContent feeds arbitrary content to the parsers and to the per-call
// analysis: they must not panic and must not lose text.
func FuzzContent(f *testing.F) {
	for _, s := range []string{
		``, `[]`, `{}`, `null`, `"x"`, `[{"role":"user","parts":[{"type":"text","content":"a"}]}]`,
		`[{"role":"user","content":[{"type":"text","text":"a"}]}]`, `[{"parts":[{"content":{"deep":[1,2]}}]}]`,
		`[{"role":"user","parts":[{"type":"text","content":"\u00e9\ud83d"}]}]`, "\xff\xfe", `[[[[[[[[[[`,
		`{"a":1,"b":[2,3]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		msgs, err := ParseMessages(s)
		if err != nil && strings.TrimSpace(s) != "" {
			total := 0
			for _, m := range msgs {
				total += len(m.Text())
			}
			if total == 0 {
				t.Fatalf("malformed content %q lost", s)
			}
		}
		_, _ = ParseSystem(s)
		_, _ = countJSONLeaves(s)
		ci := newCallInfo(&run.Call{SystemInstructions: s, InputMessages: s, OutputMessages: s})
		if ci.promptBytes < 0 || ci.tokensFor(len(s)) < 0 {
			t.Fatal("negative size")
		}
		_ = answerShape(s)
		if utf8.ValidString(s) {
			_ = preview(s, 10)
		}
	})
}
