package detect

import (
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// TestRedundantByRequest: redundancy is decided on the request; differing
// answers do not clear it, a differing question or datum does.
func TestRedundantByRequest(t *testing.T) {
	ctx := doc("refund", 1200)
	q := "How does the refund rule 14 apply to order 55?"
	conf := func(want float64) func(t *testing.T, fs []run.Finding) {
		return func(t *testing.T, fs []run.Finding) {
			if fs[0].Confidence != want {
				t.Errorf("confidence %.2f, want %.2f", fs[0].Confidence, want)
			}
		}
	}
	runCases(t, run.Redundant, []detectCase{
		{name: "same request, differently sampled answers", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: "Rule 14 applies: order 55 gets a refund within 14 days."},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, q)}, output: "Yes. Under the policy the customer is reimbursed; see item 2 of the reference."},
		), want: [][]int{{1, 2}}, check: conf(0.95)},
		{name: "case and spacing only, answers differ", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: "Rule 14 applies: order 55 gets a refund within 14 days."},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, "  how does the REFUND rule 14   apply to order 55 ?")}, output: "Yes, the customer is reimbursed."},
		), want: [][]int{{1, 2}}},
		{name: "filler wording, answers differ", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: "Rule 14 applies: order 55 gets a refund within 14 days."},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, "Hi, quick question please: "+q+" Thanks!")}, output: "Yes, the customer is reimbursed."},
		), want: [][]int{{1, 2}}, check: conf(0.75)},
		{name: "same template, another order", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: "Rule 14 applies."},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, "How does the refund rule 14 apply to order 56?")}, output: "Rule 14 applies."},
		), want: nil},
		{name: "same template, short word swapped", run: build(
			tc{system: sys, input: [][]string{u(ctx, "Is the red kettle refundable?")}, output: "Yes."},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, "Is the tan kettle refundable?")}, output: "Yes."},
		), want: nil},
		{name: "negation", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: "Rule 14 applies."},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, "How does the refund rule 14 not apply to order 55?")}, output: "Rule 14 applies."},
		), want: nil},
		{name: "same question, other data", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: "Rule 14 applies."},
			tc{agent: "x", system: sys, input: [][]string{u(doc("refund", 1150)+" The refunditem 99 covers nothing.", q)}, output: "Rule 14 applies."},
		), want: nil},
	})
}
