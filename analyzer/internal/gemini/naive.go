package gemini

import (
	"encoding/json"
	"fmt"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// NaiveJSON is the baseline Render is measured against: the run dumped as
// JSON, every span and every call with all of its fields and content, the
// way a tool without a compact rendering would send it.
func NaiveJSON(r *run.Run) ([]byte, error) {
	type flatSpan struct {
		run.Span
		Children, Call struct{} `json:"-"`
	}
	spans := make([]flatSpan, len(r.Spans))
	for i, s := range r.Spans {
		spans[i] = flatSpan{Span: *s}
		spans[i].Span.Children, spans[i].Span.Call = nil, nil
	}
	b, err := json.Marshal(struct {
		TraceID, Workflow, Service string
		Spans                      []flatSpan
		Calls                      []*run.Call
	}{r.TraceID, r.Workflow, r.Service, spans, r.Calls})
	if err != nil {
		return nil, fmt.Errorf("dump run %s as JSON: %w", r.TraceID, err)
	}
	return b, nil
}

// RequestRatio is the size of the request Analyze sends about r (system
// instruction and prompt) over the size of NaiveJSON(r).
func RequestRatio(r *run.Run, hints []run.Finding) (float64, error) {
	naive, err := NaiveJSON(r)
	if err != nil {
		return 0, err
	}
	pairs := lexical(candidatePairs(r, hints, DefaultMaxPairs))
	req := len(instructionFor(len(pairs))) + len(userPrompt(r, Render(r, DefaultRenderOptions()), hints, pairs))
	return float64(req) / float64(len(naive)), nil
}
