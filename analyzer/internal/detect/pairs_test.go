package detect

import (
	"slices"
	"testing"
)

// TestCandidatePairs: pairs the offline rule cannot decide are proposed and
// their shape says how the questions differ; pairs it decides, other
// intents, other context and turns of one conversation are not proposed.
func TestCandidatePairs(t *testing.T) {
	ctx := doc("claim", 1500)
	q := "Can the deductible be waived when the adjuster arrives late for HomeGuard?"
	para := "If the adjuster shows up late on a HomeGuard claim, is it possible to waive the deductible?"
	type want struct {
		first, second int
		shape         PairShape
	}
	for _, c := range []struct {
		name  string
		calls []tc
		want  []want
	}{
		{"paraphrase over the same record", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes, rule 4 allows it."},
			{agent: "reviewer", system: sys, input: [][]string{u(ctx, para)}, output: "It can be waived under rule 4."},
		}, []want{{1, 2, PairReworded}}},
		{"same template, other value", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes."},
			{system: sys, input: [][]string{u(ctx, "Can the premium be waived when the adjuster arrives late for HomeGuard?")}, output: "No."},
		}, []want{{1, 2, PairSlots}}},
		{"other question over the same record", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes."},
			{system: sys, input: [][]string{u(ctx, "Who signs off the appraisal if the rider is disputed on ticket 8421?")}, output: "The desk."},
		}, []want{{1, 2, PairOtherQuestion}}},
		{"same question, one record line changed", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes."},
			{system: sys, input: [][]string{u(ctx+" The claimitem 99 covers nothing.", q)}, output: "Yes."},
		}, []want{{1, 2, PairOtherData}}},
		{"paraphrase without context", []tc{
			{system: sys, input: [][]string{u("What is the refund window for Arena Hall presale tickets?")}, output: "14 days."},
			{system: sys, input: [][]string{u("How many days do I have to refund an Arena Hall presale ticket?")}, output: "Two weeks."},
		}, []want{{1, 2, PairReworded}}},
		{"the same request is the offline rule's", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes."},
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes, it can."},
		}, nil},
		{"other instructions", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes."},
			{system: "You draft replies to policyholders.", input: [][]string{u(ctx, para)}, output: "Dear customer"},
		}, nil},
		{"other record", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes."},
			{system: sys, input: [][]string{u(doc("fleet", 1500), para)}, output: "Yes."},
		}, nil},
		{"long requests without context are data", []tc{
			{system: sys, input: [][]string{u(doc("claim", 600))}, output: "billing"},
			{system: sys, input: [][]string{u(doc("claim", 640) + " The adjuster arrives late.")}, output: "billing"},
		}, nil},
		{"next turn of the conversation", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes, rule 4."},
			{system: sys, input: [][]string{u(ctx, q), asst("Yes, rule 4."), u(para)}, output: "As said, yes."},
		}, nil},
		{"failed call", []tc{
			{system: sys, input: [][]string{u(ctx, q)}, output: "Yes.", errType: "500"},
			{system: sys, input: [][]string{u(ctx, para)}, output: "Yes."},
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []want
			for _, p := range CandidatePairs(build(c.calls...)) {
				got = append(got, want{p.First, p.Second, p.Shape})
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("pairs %v, want %v", got, c.want)
			}
		})
	}
}

func TestSlotsOnly(t *testing.T) {
	w := func(s string) []string { return wordsOf(s) }
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"can the premium be waived when the rider arrives late", "can the deductible be waived when the rider arrives late", true},
		{"is a new chassis needed in week 7", "is a new brake pad needed in week 26", true},
		{"can the premium be waived", "if the premium is late can it be waived", false},
		{"can the premium be waived", "can the premium be waived today", false}, // an insertion, not a slot
		{"can the premium be waived", "can the premium be waived", false},       // no difference
		{"", "anything", false},
	} {
		if got := slotsOnly(w(c.a), w(c.b)); got != c.want {
			t.Errorf("slotsOnly(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
