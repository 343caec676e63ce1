package detect

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/tokencount"
)

// table returns a pipe table of about n bytes.
func table(n int) string {
	var b strings.Builder
	b.WriteString("SKU | product | price | stock\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "SKU-%d | kettle model %d | %d.50 | %d\n", 1000+i, i*3, 10+i%90, i%40)
	}
	return b.String()
}

func TestBloatInsideRequest(t *testing.T) {
	catalog := table(4000)
	policy := doc("refund", 1500)
	answer := "The refunditem 3 covers refundrule 21 and refundclause 39."
	question := "What does the refund policy say about item 3?"
	request := "Here is our catalog:\n\n" + catalog + "\n\n" + policy + "\n\n" + question
	// The provider reports the real count plus message framing.
	reported := tokencount.Count(tokencount.O200k, request) + 7
	runCases(t, run.Bloat, []detectCase{
		{name: "table pasted before the question in one part", run: build(
			tc{input: [][]string{u(request)}, output: answer, in: reported},
		), want: [][]int{{1}}, check: func(t *testing.T, fs []run.Finding) {
			f := fs[0]
			if !strings.Contains(f.Explanation, "table") || !strings.Contains(f.Explanation, `"SKU | product`) || !strings.Contains(f.Explanation, "request message") {
				t.Errorf("explanation does not name the block: %q", f.Explanation)
			}
			// The finding's tokens are the tokenizer's count of the table,
			// scaled to the call's reported input (gpt-4o: o200k_base).
			want := tokencount.Count(tokencount.O200k, strings.TrimSpace(catalog)) + tokencount.Count(tokencount.O200k, "Here is our catalog:")
			if f.RemovableTokens < want || f.RemovableTokens > want+10 {
				t.Errorf("removable %d, want about the table's %d tokens", f.RemovableTokens, want)
			}
		}},
		{name: "json dump in the request that the answer uses", run: build(
			tc{input: [][]string{u("{\"orders\": [" + strings.Repeat(`{"id": "kettle-7", "status": "refunded"},`, 60) + `{"id": "kettle-8", "status": "open"}]}` + "\n\nWhich order is still open?")},
				output: `Order kettle-8 is still open; the status of every other order is "refunded".`},
		), want: nil},
		{name: "the question itself is never removable", run: build(
			tc{input: [][]string{u(strings.Repeat("Why is the sky blue and what makes sunsets red? ", 80))}, output: "Rayleigh scattering."},
		), want: nil},
		{name: "tool result re-sent in later turns", run: build(
			tc{agent: "a", input: [][]string{u("search kettles")}, output: "CALL search(kettles)"},
			tc{agent: "a", input: [][]string{u("search kettles"), asst("CALL search(kettles)"), {"tool", catalog}}, output: "SKU-1004 is the kettle model 12."},
			tc{agent: "a", input: [][]string{u("search kettles"), asst("CALL search(kettles)"), {"tool", catalog}, asst("SKU-1004 is the kettle model 12."), u(policy, question)}, output: answer},
		), want: [][]int{{3}}, check: func(t *testing.T, fs []run.Finding) {
			if !strings.Contains(fs[0].Explanation, "tool result") || !strings.Contains(fs[0].Explanation, "history") {
				t.Errorf("explanation %q", fs[0].Explanation)
			}
		}},
	})
}
