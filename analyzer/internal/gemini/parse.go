package gemini

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// wireFinding is one element of the response's findings array.
type wireFinding struct {
	Type            string   `json:"type"`
	Calls           []int    `json:"calls"`
	Severity        string   `json:"severity"`
	Confidence      float64  `json:"confidence"`
	Title           string   `json:"title"`
	Explanation     string   `json:"explanation"`
	Recommendation  string   `json:"recommendation"`
	SuggestedModel  string   `json:"suggested_model"`
	RemovableTokens int64    `json:"removable_tokens"`
	ClaimedSavings  *float64 `json:"claimed_savings_usd"`
}

// parseFindings decodes the model's JSON answer. Types and call numbers are
// passed through as given: the verifier drops (and counts) unknown ones.
// Savings are left at zero for the verifier to compute; the model's own
// claim is never used.
func parseFindings(text string) ([]run.Finding, error) {
	text = strings.TrimSpace(text)
	// Some models wrap JSON in a Markdown fence despite the MIME type.
	text = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(text, "```json"), "```"), "```")
	var resp struct {
		Findings *[]wireFinding `json:"findings"`
	}
	dec := json.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&resp); err != nil {
		return nil, fmt.Errorf("decode Gemini findings JSON: %w (answer starts %q)", err, head(text, 120))
	}
	if resp.Findings == nil {
		return nil, fmt.Errorf("decode Gemini findings JSON: no \"findings\" array (answer starts %q)", head(text, 120))
	}
	out := make([]run.Finding, 0, len(*resp.Findings))
	for _, w := range *resp.Findings {
		conf := w.Confidence
		if math.IsNaN(conf) || conf < 0 {
			conf = 0
		} else if conf > 1 {
			conf = 1
		}
		out = append(out, run.Finding{
			Type: run.Type(w.Type), Severity: run.Severity(strings.ToLower(w.Severity)), Confidence: conf,
			Calls: w.Calls, Title: w.Title, Explanation: w.Explanation, Recommendation: w.Recommendation,
			Source: run.SourceGemini, SuggestedModel: w.SuggestedModel, RemovableTokens: w.RemovableTokens,
		})
	}
	return out, nil
}

func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
