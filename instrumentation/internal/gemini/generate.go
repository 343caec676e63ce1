package gemini

import (
	"bytes"
	"cmp"
	"encoding/json"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// GenerateContent is the codec of Gemini generateContent and streamGenerateContent on the
// Gemini API and on Vertex AI.
type GenerateContent struct{}

type content struct {
	Role  string `json:"role"`
	Parts []part `json:"parts"`
}

type part struct {
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

type generationConfig struct {
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

type generateRequest struct {
	Contents               json.RawMessage   `json:"contents"`
	SystemInstruction      *content          `json:"systemInstruction"`
	SystemInstructionSnake *content          `json:"system_instruction"`
	GenerationConfig       *generationConfig `json:"generationConfig"`
	GenerationConfigSnake  *generationConfig `json:"generation_config"`
}

type usageMetadata struct {
	PromptTokenCount        *int64 `json:"promptTokenCount"`
	CandidatesTokenCount    *int64 `json:"candidatesTokenCount"`
	CachedContentTokenCount *int64 `json:"cachedContentTokenCount"`
	ThoughtsTokenCount      *int64 `json:"thoughtsTokenCount"`
	ToolUsePromptTokenCount *int64 `json:"toolUsePromptTokenCount"`
}

// callUsage maps Gemini usage metadata: promptTokenCount already includes cached
// tokens; tool-use prompt tokens are input; thoughts are output tokens
// reported beside candidatesTokenCount.
func (u *usageMetadata) callUsage() *llmcall.Usage {
	if u == nil {
		return nil
	}
	return &llmcall.Usage{
		InputTokens:           llmcall.Sum(u.PromptTokenCount, u.ToolUsePromptTokenCount),
		OutputTokens:          llmcall.Sum(u.CandidatesTokenCount, u.ThoughtsTokenCount),
		CacheReadInputTokens:  u.CachedContentTokenCount,
		ReasoningOutputTokens: u.ThoughtsTokenCount,
	}
}

type generateResponse struct {
	Candidates []struct {
		Index        int      `json:"index"`
		Content      *content `json:"content"`
		FinishReason string   `json:"finishReason"`
	} `json:"candidates"`
	PromptFeedback *struct {
		BlockReason string `json:"blockReason"`
	} `json:"promptFeedback"`
	UsageMetadata *usageMetadata         `json:"usageMetadata"`
	ModelVersion  string                 `json:"modelVersion"`
	ResponseID    string                 `json:"responseId"`
	Error         *llmcall.ProviderError `json:"error"`
}

// generateRequestWithContents decodes the contents in the same pass as the
// rest, when content is captured; its Contents hides the embedded one.
type generateRequestWithContents struct {
	generateRequest
	Contents []content `json:"contents"`
}

// ParseRequest reads the generation config and, with capture, the system
// instruction and contents of a generateContent request.
func (GenerateContent) ParseRequest(body []byte, req *llmcall.Request, capture bool) error {
	var full generateRequestWithContents
	if capture && json.Unmarshal(body, &full) == nil {
		setParams(req, &full.generateRequest)
		setContent(req, &full.generateRequest, full.Contents)
		return nil
	}
	return parseRequestInSteps(body, req, capture)
}

// parseRequestInSteps decodes the parameters and then the content, so that
// the error of a malformed body says which part is malformed; for a body
// ParseRequest decodes in one pass, it fills req the same way.
func parseRequestInSteps(body []byte, req *llmcall.Request, capture bool) error {
	var r generateRequest
	if err := llmcall.Decode(body, &r, "request"); err != nil {
		return err
	}
	setParams(req, &r)
	if !capture {
		return nil
	}
	var contents []content
	if len(r.Contents) > 0 {
		if err := llmcall.Decode(r.Contents, &contents, "request contents"); err != nil {
			setContent(req, &r, nil)
			return err
		}
	}
	setContent(req, &r, contents)
	return nil
}

func setParams(req *llmcall.Request, r *generateRequest) {
	gc := r.GenerationConfig
	if gc == nil {
		gc = r.GenerationConfigSnake
	}
	if gc != nil {
		req.MaxTokens, req.Temperature, req.TopP, req.TopK = gc.MaxOutputTokens, gc.Temperature, gc.TopP, gc.TopK
		req.StopSequences, req.Seed, req.ChoiceCount = gc.StopSequences, gc.Seed, gc.CandidateCount
		req.PresencePenalty, req.FrequencyPenalty = gc.PresencePenalty, gc.FrequencyPenalty
	}
}

// setContent records the system instruction and the contents.
func setContent(req *llmcall.Request, r *generateRequest, contents []content) {
	sys := r.SystemInstruction
	if sys == nil {
		sys = r.SystemInstructionSnake
	}
	if sys != nil {
		req.SystemInstructions = callParts(sys.Parts)
	}
	for _, c := range contents {
		req.InputMessages = append(req.InputMessages, llmcall.Message{Role: messageRole(c), Parts: callParts(c.Parts)})
	}
}

// messageRole maps a Gemini role: "model" is the assistant, and content made only
// of function responses is a tool message.
func messageRole(c content) string {
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

func callParts(in []part) []llmcall.Part {
	parts := make([]llmcall.Part, 0, len(in))
	for _, p := range in {
		parts = append(parts, callPart(p))
	}
	return parts
}

func callPart(p part) llmcall.Part {
	switch {
	case p.Text != nil && p.Thought:
		return llmcall.Part{Type: "reasoning", Content: *p.Text}
	case p.Text != nil:
		return llmcall.TextPart(*p.Text)
	case p.FunctionCall != nil:
		return llmcall.ToolCallPart(p.FunctionCall.ID, p.FunctionCall.Name, p.FunctionCall.Args)
	case p.FunctionResponse != nil:
		out := llmcall.ToolResponsePart(p.FunctionResponse.ID, p.FunctionResponse.Response)
		out.Name = p.FunctionResponse.Name
		return out
	case p.InlineData != nil:
		return llmcall.Part{Type: "blob", MimeType: p.InlineData.MimeType, Modality: llmcall.Modality(p.InlineData.MimeType), OmittedBytes: len(p.InlineData.Data)}
	case p.FileData != nil:
		return llmcall.Part{Type: "uri", MimeType: p.FileData.MimeType, Modality: llmcall.Modality(p.FileData.MimeType), URI: p.FileData.FileURI}
	}
	return llmcall.Part{Type: "unknown"}
}

// ParseResponse parses one response object, or the JSON array that
// streamGenerateContent returns without alt=sse, through the stream
// accumulator so that both shapes share one conversion.
func (c GenerateContent) ParseResponse(body []byte, capture bool) (*llmcall.Response, error) {
	acc := c.NewStream(capture, len(body))
	body = bytes.TrimSpace(body)
	items := []json.RawMessage{body}
	if len(body) > 0 && body[0] == '[' {
		items = nil
		if err := llmcall.Decode(body, &items, "response"); err != nil {
			return nil, err
		}
	}
	for _, it := range items {
		if err := acc.Event("", it); err != nil {
			return nil, err
		}
	}
	return acc.Response(), acc.Failure()
}
