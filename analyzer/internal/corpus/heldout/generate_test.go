package heldout

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
)

func TestGenerateDeterministic(t *testing.T) {
	a, err := corpus.Encode(Generate(DefaultSeed, 12, nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := corpus.Encode(Generate(DefaultSeed, 12, nil))
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different corpus")
	}
}

// TestShape: every type is planted with its dollars, every dialect and
// clean runs occur, labels name real calls, every billed call is priced.
func TestShape(t *testing.T) {
	cases := Generate(DefaultSeed, DefaultRuns, nil)
	labels := map[run.Type]int{}
	clean, legacy, sysMsg := 0, 0, 0
	for _, c := range cases {
		if len(c.Labels) == 0 {
			clean++
		}
		for _, l := range c.Labels {
			labels[l.Type]++
			if l.Waste <= 0 {
				t.Errorf("%s: %s label without planted dollars", c.Name, l.Type)
			}
			for _, n := range l.Calls {
				if c.Run.Call(n) == nil {
					t.Fatalf("%s: label names unknown call %d", c.Name, n)
				}
			}
		}
		first := c.Run.Calls[0].InputMessages
		if bytes.Contains([]byte(first), []byte(`"content":`)) && !bytes.Contains([]byte(first), []byte(`"parts"`)) {
			legacy++
		}
		if c.Run.Calls[0].SystemInstructions == "" && bytes.Contains([]byte(first), []byte(`"role":"system"`)) {
			sysMsg++
		}
		for _, call := range c.Run.Calls {
			if call.Cost <= 0 && call.ErrorType == "" {
				t.Fatalf("%s: call #%d not priced (%s)", c.Name, call.Number, call.PriceStatus)
			}
		}
	}
	for _, ty := range run.Types {
		if labels[ty] < 4 {
			t.Errorf("only %d labels of %s", labels[ty], ty)
		}
	}
	if clean < DefaultRuns/5 || legacy == 0 || sysMsg == 0 {
		t.Errorf("clean=%d legacy-shape=%d system-as-message=%d", clean, legacy, sysMsg)
	}
}

// TestParaphrasePools: every two wordings of an intent differ in at least
// three words each way, so a paraphrase is never a slot swap or a case
// change, and semantic labels name two calls whose questions differ.
func TestParaphrasePools(t *testing.T) {
	words := func(s string) map[string]bool {
		out := map[string]bool{}
		for _, w := range strings.Fields(fingerprint.Canonical(s)) {
			out[strings.Trim(w, "?.:,")] = true
		}
		return out
	}
	for k, ws := range intents {
		for i := range ws {
			for j := range ws {
				if i == j {
					continue
				}
				only := 0
				for w := range words(ws[i]) {
					if !words(ws[j])[w] {
						only++
					}
				}
				if only < 3 {
					t.Errorf("intent %d: %q has %d words %q lacks, want ≥ 3", k, ws[i], only, ws[j])
				}
			}
		}
	}
	semantic := 0
	for _, c := range Generate(DefaultSeed, DefaultRuns, nil) {
		for _, l := range c.Labels {
			if !l.Semantic {
				continue
			}
			semantic++
			if l.Type != run.Redundant || len(l.Calls) != 2 {
				t.Fatalf("%s: semantic label %+v", c.Name, l)
			}
			a, b := c.Run.Call(l.Calls[0]), c.Run.Call(l.Calls[1])
			if a.SystemInstructions != b.SystemInstructions || a.InputMessages == b.InputMessages || b.Cost != l.Waste {
				t.Fatalf("%s: calls %v are not one question reworded with the second's cost as waste", c.Name, l.Calls)
			}
		}
	}
	if semantic < DefaultRuns/5 {
		t.Errorf("%d semantic labels in %d runs", semantic, DefaultRuns)
	}
}
