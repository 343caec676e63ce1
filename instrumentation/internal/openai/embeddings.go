package openai

import "github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"

// Embeddings is the codec of OpenAI-compatible Embeddings. Embedded inputs are
// not prompts and are not recorded as content.
type Embeddings struct{}

// ParseRequest reads the model, dimensions and encoding format.
func (Embeddings) ParseRequest(body []byte, req *llmcall.Request, _ bool) error {
	var r struct {
		Model          string `json:"model"`
		Dimensions     *int64 `json:"dimensions"`
		EncodingFormat string `json:"encoding_format"`
	}
	if err := llmcall.Decode(body, &r, "request"); err != nil {
		return err
	}
	req.Model, req.Dimensions = r.Model, r.Dimensions
	if r.EncodingFormat != "" {
		req.EncodingFormats = []string{r.EncodingFormat}
	}
	return nil
}

// ParseResponse reads the model and the input token usage.
func (Embeddings) ParseResponse(body []byte, _ bool) (*llmcall.Response, error) {
	var r struct {
		Model string     `json:"model"`
		Usage *chatUsage `json:"usage"`
	}
	if err := llmcall.Decode(body, &r, "response"); err != nil {
		return nil, err
	}
	return &llmcall.Response{Model: r.Model, Usage: r.Usage.callUsage()}, nil
}

// NewStream returns a stream that reports any event: Embeddings do not
// stream.
func (Embeddings) NewStream(bool, int) llmcall.Stream { return &llmcall.NoStream{} }
