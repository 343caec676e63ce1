package cli

import (
	"strings"
	"testing"
	"unicode"

	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// rawControl returns the first character a terminal would act on, or -1.
func rawControl(s string) rune {
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return r
		}
	}
	return -1
}

// TestHostileStoredData stores a run whose names, models and prompts carry
// terminal escape sequences, carriage-return overwrites, bidi overrides and
// hidden characters, plus impossible token counts, and runs every command
// in text and Markdown: no raw control character reaches stdout or stderr,
// the escapes are visible, Markdown tables keep their columns, and totals
// never wrap.
func TestHostileStoredData(t *testing.T) {
	noGemini(t)
	dsn := storetest.NewDatabase(t)
	db := dbName(dsn)
	const clear = "\x1b[2J\x1b[H"
	r := storetest.Build(storetest.SampleTrace, "checkout\x1b]0;pwned\x07|x", []storetest.CallSpec{
		{Agent: "planner\u202eredo", Provider: "openai", Model: "gpt-4o", System: "sys\rOVERWRITTEN",
			User: "same question `rm -rf` | \u2066hidden\u2069", Answer: "a", In: 1200, Out: 60},
		{Agent: "planner\u202eredo", Provider: "openai", Model: "gpt-4o", System: "sys\rOVERWRITTEN",
			User: "same question `rm -rf` | \u2066hidden\u2069", Answer: "a", In: 1200, Out: 60},
		{Agent: "writer\x1b[8m", Provider: "openai", Model: "gpt-4o" + clear, User: "x", Answer: "y", In: 10, Out: 1},
	})
	for _, sp := range r.Spans {
		sp.Name += "\u009b31m\r"
	}
	storetest.InsertRun(t, dsn, r)
	chtest.Exec(t,
		// A call with counts near 2^64 (a wrapped negative) and 2^63 in the same run.
		"INSERT INTO "+db+".llm_calls (Timestamp, TraceId, SpanId, Workflow, RequestModel, InputTokens, OutputTokens) VALUES "+
			"(toDateTime64('2025-06-01 10:00:05', 9), '"+r.TraceID+"', 'huge', 'checkout', 'm\\r', 18446744073709551615, 9223372036854775808)",
		// A run whose trace id itself is hostile.
		"INSERT INTO "+db+".llm_calls (Timestamp, TraceId, SpanId, Workflow, RequestModel, InputTokens) VALUES "+
			"(toDateTime64('2025-06-01 09:00:00', 9), '\\x1b[2Jdead|beef', 's', 'wf\\x1b[31m', 'x', 1)",
	)
	for _, format := range []string{"text", "markdown"} {
		for _, args := range [][]string{
			{"traces", "--since", "3650d"},
			{"show", r.TraceID},
			{"analyze", r.TraceID, "--offline", "--no-store"},
			{"what-if", r.TraceID, "--model", "gpt-4o-mini"},
		} {
			args := append(args, "--format", format)
			stdout, stderr, code := kaizen(t, dsn, args...)
			if code != ExitOK {
				t.Errorf("%v: exit %d: %s", args, code, stderr)
				continue
			}
			for name, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
				if c := rawControl(out); c >= 0 {
					t.Errorf("%v: %s carries raw %U:\n%q", args, name, c, out)
				}
			}
			if strings.Contains(stdout, "18446744073709551615") || strings.Contains(stdout, "9223372036854775808") || strings.Contains(stdout, "-9223372036854775808") {
				t.Errorf("%v: a wrapped count reached the report:\n%s", args, stdout)
			}
			if format == "markdown" {
				checkTables(t, args, stdout)
			}
		}
	}
	checks := []struct {
		args []string
		want []string
	}{
		{[]string{"traces", "--since", "3650d"}, []string{`\x1b[2Jdead|beef`, `wf\x1b[31m`, "2531!", "! 2 token count(s) above 1000000000000 were unreadable and counted as 0"}},
		{[]string{"show", r.TraceID}, []string{`workflow "checkout\x1b]0;pwned\x07|x"`, `gpt-4o\x1b[2J\x1b[H`, `\u009b31m\r`,
			"2531 (2 unreadable token count(s) counted as 0) tokens", "unreadable InputTokens, OutputTokens counted as 0"}},
		{[]string{"show", r.TraceID, "--format", "markdown"}, []string{`checkout\\x1b\]0;pwned\\x07\|x`}},
		{[]string{"analyze", r.TraceID, "--offline", "--no-store"}, []string{"Findings (2):", `\u2066hidden\u2069`, `Agent planner\u202eredo`}},
	}
	for _, c := range checks {
		stdout, stderr, _ := kaizen(t, dsn, c.args...)
		for _, w := range c.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: output lacks %q:\n%s\nstderr: %s", c.args, w, stdout, stderr)
			}
		}
	}
}

// checkTables asserts every Markdown table row has as many unescaped cell
// separators as its header.
func checkTables(t *testing.T, args []string, md string) {
	t.Helper()
	want := -1
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := 0
		for i := 0; i < len(line); i++ {
			if line[i] == '\\' {
				i++
				continue
			}
			if line[i] == '|' {
				n++
			}
		}
		if want < 0 {
			want = n
		} else if n != want {
			t.Errorf("%v: table row has %d separators, header %d: %q", args, n, want, line)
		}
	}
}
