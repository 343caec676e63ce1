package gemini

import "github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"

// EmbedContent is the codec of Gemini embedContent. The Gemini API reports no
// token usage for embeddings; Vertex AI reports statistics.token_count per
// embedding, which is summed.
type EmbedContent struct{}

// ParseRequest reads the requested output dimensionality.
func (EmbedContent) ParseRequest(body []byte, req *llmcall.Request, _ bool) error {
	var r struct {
		Model                string `json:"model"`
		OutputDimensionality *int64 `json:"outputDimensionality"`
		Config               *struct {
			OutputDimensionality *int64 `json:"outputDimensionality"`
		} `json:"config"`
	}
	if err := llmcall.Decode(body, &r, "request"); err != nil {
		return err
	}
	req.Dimensions = r.OutputDimensionality
	if r.Config != nil && r.Config.OutputDimensionality != nil {
		req.Dimensions = r.Config.OutputDimensionality
	}
	return nil
}

// ParseResponse reads the usage metadata or sums the per-embedding token
// counts.
func (EmbedContent) ParseResponse(body []byte, _ bool) (*llmcall.Response, error) {
	type stats struct {
		Statistics *struct {
			TokenCount *float64 `json:"token_count"`
		} `json:"statistics"`
	}
	var r struct {
		Embeddings []stats `json:"embeddings"`
		Metadata   *struct {
			BillableCharacterCount *int64 `json:"billableCharacterCount"`
		} `json:"metadata"`
		UsageMetadata *usageMetadata `json:"usageMetadata"`
	}
	if err := llmcall.Decode(body, &r, "response"); err != nil {
		return nil, err
	}
	resp := &llmcall.Response{Usage: r.UsageMetadata.callUsage()}
	var tokens []*int64
	for _, e := range r.Embeddings {
		if e.Statistics != nil && e.Statistics.TokenCount != nil {
			n := int64(*e.Statistics.TokenCount)
			tokens = append(tokens, &n)
		}
	}
	if total := llmcall.Sum(tokens...); resp.Usage == nil && total != nil {
		resp.Usage = &llmcall.Usage{InputTokens: total}
	}
	return resp, nil
}

// NewStream returns a stream that reports any event: embedContent does not
// stream.
func (EmbedContent) NewStream(bool, int) llmcall.Stream { return &llmcall.NoStream{} }
