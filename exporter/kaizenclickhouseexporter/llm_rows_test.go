package kaizenclickhouseexporter

import (
	"testing"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// TestLLMRowsColumns checks that llmRows has one column slice for each
// llm_calls column the schema lists, so an insert names every value.
func TestLLMRowsColumns(t *testing.T) {
	var r llmRows
	r.grow(1)
	if got, want := len(r.columns()), len(schema.LLMCallColumns); got != want {
		t.Fatalf("llmRows has %d columns, schema.LLMCallColumns %d", got, want)
	}
}
