package instrumentation

import (
	"encoding/json"
	"strings"
)

// openaiCodec handles OpenAI-compatible Chat Completions (chat=true) and
// legacy Completions.
type openaiCodec struct {
	chat bool
}

type oaRequest struct {
	Model               string          `json:"model"`
	Prompt              json.RawMessage `json:"prompt"`
	MaxTokens           *int64          `json:"max_tokens"`
	MaxCompletionTokens *int64          `json:"max_completion_tokens"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	FrequencyPenalty    *float64        `json:"frequency_penalty"`
	PresencePenalty     *float64        `json:"presence_penalty"`
	Seed                *int64          `json:"seed"`
	N                   *int64          `json:"n"`
	Stop                json.RawMessage `json:"stop"`
	Stream              bool            `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage *bool `json:"include_usage"`
	} `json:"stream_options"`
}

// oaRequestWithMessages decodes the messages in the same pass as the
// parameters, when content is captured.
type oaRequestWithMessages struct {
	oaRequest
	Messages []oaMessage `json:"messages"`
}

type oaMessage struct {
	Role             string       `json:"role"`
	Name             string       `json:"name"`
	Content          rawContent   `json:"content"`
	Refusal          string       `json:"refusal"`
	ReasoningContent string       `json:"reasoning_content"`
	ToolCalls        []oaToolCall `json:"tool_calls"`
	ToolCallID       string       `json:"tool_call_id"`
	FunctionCall     *oaFunction  `json:"function_call"`
	// plain is set by the fast decoder when Content is a JSON string that
	// needs no unescaping, so that it is not scanned twice.
	plain bool
}

// contentText returns the content when it is a JSON string; the result may be
// a view of the decoded body.
func (m *oaMessage) contentText() (string, bool) {
	if m.plain {
		return bytesString(m.Content[1 : len(m.Content)-1]), true
	}
	return m.Content.text()
}

type oaToolCall struct {
	Index    int        `json:"index"`
	ID       string     `json:"id"`
	Function oaFunction `json:"function"`
}

type oaFunction struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type oaContentPart struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Refusal  string `json:"refusal"`
	ImageURL struct {
		URL string `json:"url"`
	} `json:"image_url"`
	InputAudio struct {
		Data   string `json:"data"`
		Format string `json:"format"`
	} `json:"input_audio"`
	File struct {
		FileID   string `json:"file_id"`
		FileData string `json:"file_data"`
	} `json:"file"`
}

type oaChoice struct {
	Index        int        `json:"index"`
	Message      *oaMessage `json:"message"`
	Delta        *oaMessage `json:"delta"`
	Text         *string    `json:"text"`
	FinishReason string     `json:"finish_reason"`
}

type oaResponse struct {
	ID      string      `json:"id"`
	Model   string      `json:"model"`
	Choices []oaChoice  `json:"choices"`
	Usage   *oaUsage    `json:"usage"`
	Error   *eventError `json:"error"`
}

type oaUsage struct {
	PromptTokens        *int64 `json:"prompt_tokens"`
	CompletionTokens    *int64 `json:"completion_tokens"`
	PromptCacheHit      *int64 `json:"prompt_cache_hit_tokens"` // DeepSeek
	PromptTokensDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

// usage maps OpenAI usage: prompt_tokens already includes cached tokens and
// completion_tokens already includes reasoning tokens.
func (u *oaUsage) usage() *Usage {
	if u == nil {
		return nil
	}
	out := &Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens, CacheReadInputTokens: u.PromptCacheHit}
	if d := u.PromptTokensDetails; d != nil && d.CachedTokens != nil {
		out.CacheReadInputTokens = d.CachedTokens
	}
	if d := u.CompletionTokensDetails; d != nil {
		out.ReasoningOutputTokens = d.ReasoningTokens
	}
	return out
}

func (c openaiCodec) parseRequest(body []byte, req *Request, capture bool) error {
	_, err := c.parse(body, req, capture)
	return err
}

func (c openaiCodec) parseAndRewrite(body []byte, req *Request, cfg *config) ([]byte, error) {
	exact, err := c.parse(body, req, cfg.captureContent)
	if exact && !req.Stream {
		// The fast path saw every key exactly (no case variants), so the
		// last "stream" member is false, null or absent: nothing to add.
		return nil, nil
	}
	return c.rewriteRequest(body, cfg), err
}

// parse fills req from the body; exact reports that the fast path decoded
// it.
func (c openaiCodec) parse(body []byte, req *Request, capture bool) (exact bool, err error) {
	var full oaRequestWithMessages
	var target any = &full.oaRequest
	withMessages := capture && c.chat
	if withMessages {
		target = &full
	}
	exact = fastOARequest(body, &full, withMessages)
	if !exact {
		full = oaRequestWithMessages{}
		if err := decode(body, target, "request"); err != nil {
			return false, err
		}
	}
	r := &full.oaRequest
	req.Model = r.Model
	req.Stream = r.Stream
	req.MaxTokens = r.MaxTokens
	if r.MaxCompletionTokens != nil {
		req.MaxTokens = r.MaxCompletionTokens
	}
	req.Temperature, req.TopP, req.Seed, req.ChoiceCount = r.Temperature, r.TopP, r.Seed, r.N
	req.FrequencyPenalty, req.PresencePenalty = r.FrequencyPenalty, r.PresencePenalty
	req.StopSequences = stringOrList(r.Stop)
	if !capture {
		return exact, nil
	}
	if !c.chat {
		for _, p := range stringOrList(r.Prompt) {
			req.InputMessages = append(req.InputMessages, Message{Role: "user", Parts: []Part{TextPart(p)}})
		}
		return exact, nil
	}
	if len(full.Messages) > 0 {
		req.InputMessages = make([]Message, 0, len(full.Messages))
	}
	for i := range full.Messages {
		m := oaInputMessage(&full.Messages[i])
		if m.Role == "system" || m.Role == "developer" {
			if req.SystemInstructions == nil {
				req.SystemInstructions = m.Parts[:len(m.Parts):len(m.Parts)] // shared; a later append copies
			} else {
				req.SystemInstructions = append(req.SystemInstructions, m.Parts...)
			}
		}
		req.InputMessages = append(req.InputMessages, m)
	}
	return exact, nil
}

// oaInputMessage converts one request message.
func oaInputMessage(m *oaMessage) Message {
	out := Message{Role: m.Role, Name: m.Name}
	if m.Role == "tool" || m.Role == "function" {
		var texts []string
		for _, p := range oaContent(m) {
			texts = append(texts, p.Content)
		}
		id := m.ToolCallID
		if id == "" {
			id = m.Name
		}
		out.Parts = []Part{{Type: "tool_call_response", ID: id, Response: jsonString(strings.Join(texts, ""))}}
		return out
	}
	out.Parts = oaMessageParts(m)
	return out
}

// oaMessageParts returns the parts of a request or response message.
func oaMessageParts(m *oaMessage) []Part {
	content := oaContent(m)
	if m.ReasoningContent == "" && m.Refusal == "" && len(m.ToolCalls) == 0 && m.FunctionCall == nil {
		if content == nil {
			return []Part{}
		}
		return content // the common case: no second slice
	}
	parts := make([]Part, 0, len(content)+len(m.ToolCalls)+3)
	if m.ReasoningContent != "" {
		parts = append(parts, Part{Type: "reasoning", Content: m.ReasoningContent})
	}
	parts = append(parts, content...)
	if m.Refusal != "" {
		parts = append(parts, Part{Type: "refusal", Content: m.Refusal})
	}
	for _, tc := range m.ToolCalls {
		parts = append(parts, ToolCallPart(tc.ID, tc.Function.Name, []byte(tc.Function.Arguments)))
	}
	if f := m.FunctionCall; f != nil {
		parts = append(parts, ToolCallPart("", f.Name, []byte(f.Arguments)))
	}
	return parts
}

// oaContent converts message content, a string or an array of parts.
func oaContent(m *oaMessage) []Part {
	raw := m.Content
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if s, ok := m.contentText(); ok {
		return []Part{TextPart(s)}
	}
	var items []oaContentPart
	if json.Unmarshal(raw, &items) != nil {
		return []Part{{Type: "unknown", Content: string(raw)}}
	}
	parts := make([]Part, 0, len(items))
	for _, it := range items {
		switch it.Type {
		case "text", "input_text", "output_text":
			parts = append(parts, TextPart(it.Text))
		case "refusal":
			parts = append(parts, Part{Type: "refusal", Content: it.Refusal})
		case "image_url":
			parts = append(parts, urlPart(it.ImageURL.URL, "image"))
		case "input_audio":
			parts = append(parts, Part{Type: "blob", Modality: "audio", MimeType: "audio/" + it.InputAudio.Format, OmittedBytes: len(it.InputAudio.Data)})
		case "file":
			if it.File.FileID != "" {
				parts = append(parts, Part{Type: "file", FileID: it.File.FileID})
			} else {
				parts = append(parts, Part{Type: "blob", OmittedBytes: len(it.File.FileData)})
			}
		default:
			parts = append(parts, Part{Type: it.Type})
		}
	}
	return parts
}

// urlPart returns a "uri" part, or a "blob" part without its data for data:
// URLs.
func urlPart(u, defaultModality string) Part {
	if rest, ok := strings.CutPrefix(u, "data:"); ok {
		mime, data, _ := strings.Cut(rest, ",")
		mime, _, _ = strings.Cut(mime, ";")
		mod := modality(mime)
		if mod == "" {
			mod = defaultModality
		}
		return Part{Type: "blob", MimeType: mime, Modality: mod, OmittedBytes: len(data)}
	}
	return Part{Type: "uri", URI: u, Modality: defaultModality}
}

// stringOrList decodes a JSON string or array of strings.
func stringOrList(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	return nil
}

func (c openaiCodec) parseResponse(body []byte, capture bool) (*Response, error) {
	var r oaResponse
	if err := decodeOAResponse(body, &r, nil, "response"); err != nil {
		return nil, err
	}
	// body may be a recycled buffer: the strings recorded after End are
	// cloned, the content is encoded by End.
	resp := &Response{ID: strings.Clone(r.ID), Model: strings.Clone(r.Model), Usage: r.Usage.usage()}
	if len(r.Choices) > 0 {
		resp.FinishReasons = make([]string, 0, len(r.Choices))
	}
	for _, ch := range r.Choices {
		resp.FinishReasons = append(resp.FinishReasons, strings.Clone(ch.FinishReason))
		if !capture {
			continue
		}
		msg := Message{Role: "assistant", FinishReason: outputFinishReason(ch.FinishReason)}
		switch {
		case ch.Message != nil:
			msg.Parts = oaMessageParts(ch.Message)
		case ch.Text != nil:
			msg.Parts = []Part{TextPart(*ch.Text)}
		}
		resp.OutputMessages = append(resp.OutputMessages, msg)
	}
	return resp, nil
}

// decodeOAResponse decodes a response or stream chunk, on the fast path when
// possible.
func decodeOAResponse(body []byte, r *oaResponse, scratch *decodeScratch, what string) error {
	if fastOAResponse(body, r, scratch) {
		return nil
	}
	*r = oaResponse{}
	return decode(body, r, what)
}
