package instrumentation

import (
	"bytes"
	"cmp"
	"encoding/json"
)

// geminiCodec handles Gemini generateContent and streamGenerateContent on the
// Gemini API and on Vertex AI.
type geminiCodec struct{}

type gmContent struct {
	Role  string   `json:"role"`
	Parts []gmPart `json:"parts"`
}

type gmPart struct {
	Text       *string `json:"text"`
	Thought    bool    `json:"thought"`
	InlineData *struct {
		MimeType string `json:"mimeType"`
		Data     string `json:"data"`
	} `json:"inlineData"`
	FileData *struct {
		MimeType string `json:"mimeType"`
		FileURI  string `json:"fileUri"`
	} `json:"fileData"`
	FunctionCall *struct {
		ID   string          `json:"id"`
		Name string          `json:"name"`
		Args json.RawMessage `json:"args"`
	} `json:"functionCall"`
	FunctionResponse *struct {
		ID       string          `json:"id"`
		Name     string          `json:"name"`
		Response json.RawMessage `json:"response"`
	} `json:"functionResponse"`
}

type gmGenerationConfig struct {
	MaxOutputTokens  *int64   `json:"maxOutputTokens"`
	Temperature      *float64 `json:"temperature"`
	TopP             *float64 `json:"topP"`
	TopK             *float64 `json:"topK"`
	StopSequences    []string `json:"stopSequences"`
	Seed             *int64   `json:"seed"`
	CandidateCount   *int64   `json:"candidateCount"`
	PresencePenalty  *float64 `json:"presencePenalty"`
	FrequencyPenalty *float64 `json:"frequencyPenalty"`
}

type gmRequest struct {
	Contents               json.RawMessage     `json:"contents"`
	SystemInstruction      *gmContent          `json:"systemInstruction"`
	SystemInstructionSnake *gmContent          `json:"system_instruction"`
	GenerationConfig       *gmGenerationConfig `json:"generationConfig"`
	GenerationConfigSnake  *gmGenerationConfig `json:"generation_config"`
}

type geminiUsage struct {
	PromptTokenCount        *int64 `json:"promptTokenCount"`
	CandidatesTokenCount    *int64 `json:"candidatesTokenCount"`
	CachedContentTokenCount *int64 `json:"cachedContentTokenCount"`
	ThoughtsTokenCount      *int64 `json:"thoughtsTokenCount"`
	ToolUsePromptTokenCount *int64 `json:"toolUsePromptTokenCount"`
}

// usage maps Gemini usage metadata: promptTokenCount already includes cached
// tokens; tool-use prompt tokens are input; thoughts are output tokens
// reported beside candidatesTokenCount.
func (u *geminiUsage) usage() *Usage {
	if u == nil {
		return nil
	}
	return &Usage{
		InputTokens:           sum(u.PromptTokenCount, u.ToolUsePromptTokenCount),
		OutputTokens:          sum(u.CandidatesTokenCount, u.ThoughtsTokenCount),
		CacheReadInputTokens:  u.CachedContentTokenCount,
		ReasoningOutputTokens: u.ThoughtsTokenCount,
	}
}

type gmResponse struct {
	Candidates []struct {
		Index        int        `json:"index"`
		Content      *gmContent `json:"content"`
		FinishReason string     `json:"finishReason"`
	} `json:"candidates"`
	PromptFeedback *struct {
		BlockReason string `json:"blockReason"`
	} `json:"promptFeedback"`
	UsageMetadata *geminiUsage `json:"usageMetadata"`
	ModelVersion  string       `json:"modelVersion"`
	ResponseID    string       `json:"responseId"`
	Error         *eventError  `json:"error"`
}

func (geminiCodec) parseRequest(body []byte, req *Request, capture bool) error {
	var r gmRequest
	if err := decode(body, &r, "request"); err != nil {
		return err
	}
	gc := r.GenerationConfig
	if gc == nil {
		gc = r.GenerationConfigSnake
	}
	if gc != nil {
		req.MaxTokens, req.Temperature, req.TopP, req.TopK = gc.MaxOutputTokens, gc.Temperature, gc.TopP, gc.TopK
		req.StopSequences, req.Seed, req.ChoiceCount = gc.StopSequences, gc.Seed, gc.CandidateCount
		req.PresencePenalty, req.FrequencyPenalty = gc.PresencePenalty, gc.FrequencyPenalty
	}
	if !capture {
		return nil
	}
	sys := r.SystemInstruction
	if sys == nil {
		sys = r.SystemInstructionSnake
	}
	if sys != nil {
		req.SystemInstructions = gmParts(sys.Parts)
	}
	var contents []gmContent
	if len(r.Contents) > 0 {
		if err := decode(r.Contents, &contents, "request contents"); err != nil {
			return err
		}
	}
	for _, c := range contents {
		req.InputMessages = append(req.InputMessages, Message{Role: gmRole(c), Parts: gmParts(c.Parts)})
	}
	return nil
}

// gmRole maps a Gemini role: "model" is the assistant, and content made only
// of function responses is a tool message.
func gmRole(c gmContent) string {
	if c.Role == "model" {
		return "assistant"
	}
	if len(c.Parts) > 0 {
		for _, p := range c.Parts {
			if p.FunctionResponse == nil {
				return cmp.Or(c.Role, "user")
			}
		}
		return "tool"
	}
	return cmp.Or(c.Role, "user")
}

func gmParts(in []gmPart) []Part {
	parts := make([]Part, 0, len(in))
	for _, p := range in {
		parts = append(parts, gmPartOf(p))
	}
	return parts
}

func gmPartOf(p gmPart) Part {
	switch {
	case p.Text != nil && p.Thought:
		return Part{Type: "reasoning", Content: *p.Text}
	case p.Text != nil:
		return TextPart(*p.Text)
	case p.FunctionCall != nil:
		return ToolCallPart(p.FunctionCall.ID, p.FunctionCall.Name, p.FunctionCall.Args)
	case p.FunctionResponse != nil:
		out := ToolResponsePart(p.FunctionResponse.ID, p.FunctionResponse.Response)
		out.Name = p.FunctionResponse.Name
		return out
	case p.InlineData != nil:
		return Part{Type: "blob", MimeType: p.InlineData.MimeType, Modality: modality(p.InlineData.MimeType), OmittedBytes: len(p.InlineData.Data)}
	case p.FileData != nil:
		return Part{Type: "uri", MimeType: p.FileData.MimeType, Modality: modality(p.FileData.MimeType), URI: p.FileData.FileURI}
	}
	return Part{Type: "unknown"}
}

// parseResponse parses one response object, or the JSON array that
// streamGenerateContent returns without alt=sse, through the stream
// accumulator so that both shapes share one conversion.
func (c geminiCodec) parseResponse(body []byte, capture bool) (*Response, error) {
	acc := c.newStream(capture, len(body))
	body = bytes.TrimSpace(body)
	items := []json.RawMessage{body}
	if len(body) > 0 && body[0] == '[' {
		items = nil
		if err := decode(body, &items, "response"); err != nil {
			return nil, err
		}
	}
	for _, it := range items {
		if err := acc.event("", it); err != nil {
			return nil, err
		}
	}
	return acc.response(), acc.failure()
}
