package gemini

import (
	"google.golang.org/genai"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// responseSchema is the JSON shape Gemini must answer with: an object with
// a findings array. claimed_savings_usd is requested so the model states
// its estimate, but the verifier ignores it and recomputes every saving.
func responseSchema() *genai.Schema {
	types := make([]string, len(run.Types))
	for i, t := range run.Types {
		types[i] = string(t)
	}
	str := func(desc string) *genai.Schema { return &genai.Schema{Type: genai.TypeString, Description: desc} }
	finding := &genai.Schema{
		Type: genai.TypeObject,
		Properties: map[string]*genai.Schema{
			"type": {Type: genai.TypeString, Enum: types, Description: "Waste type from the taxonomy."},
			"calls": {Type: genai.TypeArray, Items: &genai.Schema{Type: genai.TypeInteger},
				Description: "Call numbers (#N) involved, ascending; for redundant_call and loop the first is the one to keep, for retry_waste the last is the one that succeeded."},
			"severity":        {Type: genai.TypeString, Enum: []string{string(run.Low), string(run.Medium), string(run.High)}},
			"confidence":      {Type: genai.TypeNumber, Description: "0 to 1."},
			"title":           str("One line naming the calls and the waste."),
			"explanation":     str("Why this is waste, citing evidence from the calls."),
			"recommendation":  str("The concrete change to make."),
			"suggested_model": str("For model_overkill: the cheaper model of the same provider to use."),
			"removable_tokens": {Type: genai.TypeInteger,
				Description: "For prompt_bloat: input tokens per call that can be dropped; for cache_opportunity: prefix tokens per call that can be cached."},
			"claimed_savings_usd": {Type: genai.TypeNumber, Description: "Your estimate of the saving per run in USD."},
		},
		Required:         []string{"type", "calls", "severity", "confidence", "title", "explanation", "recommendation"},
		PropertyOrdering: []string{"type", "calls", "severity", "confidence", "title", "explanation", "recommendation", "suggested_model", "removable_tokens", "claimed_savings_usd"},
	}
	return &genai.Schema{
		Type:       genai.TypeObject,
		Properties: map[string]*genai.Schema{"findings": {Type: genai.TypeArray, Items: finding}},
		Required:   []string{"findings"},
	}
}
