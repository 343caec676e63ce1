package instrumentation

// openaiEmbedCodec handles OpenAI-compatible Embeddings. Embedded inputs are
// not prompts and are not recorded as content.
type openaiEmbedCodec struct{}

func (openaiEmbedCodec) parseRequest(body []byte, req *Request, _ bool) error {
	var r struct {
		Model          string `json:"model"`
		Dimensions     *int64 `json:"dimensions"`
		EncodingFormat string `json:"encoding_format"`
	}
	if err := decode(body, &r, "request"); err != nil {
		return err
	}
	req.Model, req.Dimensions = r.Model, r.Dimensions
	if r.EncodingFormat != "" {
		req.EncodingFormats = []string{r.EncodingFormat}
	}
	return nil
}

func (openaiEmbedCodec) parseResponse(body []byte, _ bool) (*Response, error) {
	var r struct {
		Model string   `json:"model"`
		Usage *oaUsage `json:"usage"`
	}
	if err := decode(body, &r, "response"); err != nil {
		return nil, err
	}
	return &Response{Model: r.Model, Usage: r.Usage.usage()}, nil
}

func (openaiEmbedCodec) newStream(bool, int) streamAccumulator { return &noStream{} }

// geminiEmbedCodec handles Gemini embedContent. The Gemini API reports no
// token usage for embeddings; Vertex AI reports statistics.token_count per
// embedding, which is summed.
type geminiEmbedCodec struct{}

func (geminiEmbedCodec) parseRequest(body []byte, req *Request, _ bool) error {
	var r struct {
		Model                string `json:"model"`
		OutputDimensionality *int64 `json:"outputDimensionality"`
		Config               *struct {
			OutputDimensionality *int64 `json:"outputDimensionality"`
		} `json:"config"`
	}
	if err := decode(body, &r, "request"); err != nil {
		return err
	}
	req.Dimensions = r.OutputDimensionality
	if r.Config != nil && r.Config.OutputDimensionality != nil {
		req.Dimensions = r.Config.OutputDimensionality
	}
	return nil
}

func (geminiEmbedCodec) parseResponse(body []byte, _ bool) (*Response, error) {
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
		UsageMetadata *geminiUsage `json:"usageMetadata"`
	}
	if err := decode(body, &r, "response"); err != nil {
		return nil, err
	}
	resp := &Response{Usage: r.UsageMetadata.usage()}
	var tokens []*int64
	for _, e := range r.Embeddings {
		if e.Statistics != nil && e.Statistics.TokenCount != nil {
			tokens = append(tokens, Int(int64(*e.Statistics.TokenCount)))
		}
	}
	if total := sum(tokens...); resp.Usage == nil && total != nil {
		resp.Usage = &Usage{InputTokens: total}
	}
	return resp, nil
}

func (geminiEmbedCodec) newStream(bool, int) streamAccumulator { return &noStream{} }

// noStream accepts no events: APIs without streaming never get an SSE body,
// and one that does is reported instead of misread.
type noStream struct{ n int }

func (s *noStream) event(string, []byte) error {
	s.n++
	if s.n == 1 {
		return &kindError{kind: ErrorTypeInvalidResponse, msg: "unexpected event stream for a non-streaming API"}
	}
	return nil
}
func (s *noStream) done() bool          { return true }
func (s *noStream) failure() error      { return nil }
func (s *noStream) response() *Response { return &Response{} }
