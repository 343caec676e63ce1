package schema

import (
	"slices"
	"testing"
)

// TestLLMCallColumns checks LLMCallColumns against the llm_calls columns
// derived from the sql/ files and migrations, which
// TestExpectedMatchesServer checks against the engine.
func TestLLMCallColumns(t *testing.T) {
	objs, err := Options{}.withDefaults().expected(Latest())
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objs {
		if obj.logical != TableLLMCalls {
			continue
		}
		var want []string
		for _, c := range obj.columns {
			want = append(want, c.Name)
		}
		if !slices.Equal(LLMCallColumns, want) {
			t.Fatalf("LLMCallColumns =\n%v\nthe migrations create\n%v", LLMCallColumns, want)
		}
		return
	}
	t.Fatal("no llm_calls table in the expected schema")
}
