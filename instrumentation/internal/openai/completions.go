package openai

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// Completions is the codec of OpenAI-compatible Chat Completions (with Chat
// set) and of legacy Completions.
type Completions struct {
	Chat bool
}

type chatRequest struct {
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

// chatRequestWithMessages decodes the messages in the same pass as the
// parameters, when content is captured.
type chatRequestWithMessages struct {
	chatRequest
	Messages []chatMessage `json:"messages"`
}

type chatMessage struct {
	Role string `json:"role"`
	Name string `json:"name"`
	// Content is a string or an array of parts. As an any, the common
	// string is decoded in the same pass as the rest of the body.
	Content          any           `json:"content"`
	Refusal          string        `json:"refusal"`
	ReasoningContent string        `json:"reasoning_content"`
	ToolCalls        []toolCall    `json:"tool_calls"`
	ToolCallID       string        `json:"tool_call_id"`
	FunctionCall     *functionCall `json:"function_call"`
}

type toolCall struct {
	Index    int          `json:"index"`
	ID       string       `json:"id"`
	Function functionCall `json:"function"`
}

type functionCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type contentPart struct {
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

type choice struct {
	Index        int          `json:"index"`
	Message      *chatMessage `json:"message"`
	Delta        *chatMessage `json:"delta"`
	Text         *string      `json:"text"`
	FinishReason string       `json:"finish_reason"`
}

type chatResponse struct {
	ID      string                 `json:"id"`
	Model   string                 `json:"model"`
	Choices []choice               `json:"choices"`
	Usage   *chatUsage             `json:"usage"`
	Error   *llmcall.ProviderError `json:"error"`
}

type chatUsage struct {
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

// callUsage maps OpenAI usage: prompt_tokens already includes cached tokens and
// completion_tokens already includes reasoning tokens.
func (u *chatUsage) callUsage() *llmcall.Usage {
	if u == nil {
		return nil
	}
	out := &llmcall.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens, CacheReadInputTokens: u.PromptCacheHit}
	if d := u.PromptTokensDetails; d != nil && d.CachedTokens != nil {
		out.CacheReadInputTokens = d.CachedTokens
	}
	if d := u.CompletionTokensDetails; d != nil {
		out.ReasoningOutputTokens = d.ReasoningTokens
	}
	return out
}

// ParseRequest reads the model and parameters of a Chat Completions or
// Completions request and, with capture, its messages or prompts.
func (c Completions) ParseRequest(body []byte, req *llmcall.Request, capture bool) error {
	var full chatRequestWithMessages
	var target any = &full.chatRequest
	if capture && c.Chat {
		target = &full
	}
	if err := llmcall.Decode(body, target, "request"); err != nil {
		return err
	}
	r := &full.chatRequest
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
		return nil
	}
	if !c.Chat {
		for _, p := range stringOrList(r.Prompt) {
			req.InputMessages = append(req.InputMessages, llmcall.Message{Role: "user", Parts: []llmcall.Part{llmcall.TextPart(p)}})
		}
		return nil
	}
	if len(full.Messages) > 0 {
		req.InputMessages = make([]llmcall.Message, 0, len(full.Messages))
	}
	for i := range full.Messages {
		m := inputMessage(&full.Messages[i])
		if m.Role == "system" || m.Role == "developer" {
			if req.SystemInstructions == nil {
				req.SystemInstructions = m.Parts[:len(m.Parts):len(m.Parts)] // shared; a later append copies
			} else {
				req.SystemInstructions = append(req.SystemInstructions, m.Parts...)
			}
		}
		req.InputMessages = append(req.InputMessages, m)
	}
	return nil
}

// inputMessage converts one request message.
func inputMessage(m *chatMessage) llmcall.Message {
	out := llmcall.Message{Role: m.Role, Name: m.Name}
	if m.Role == "tool" || m.Role == "function" {
		var texts []string
		for _, p := range messageContent(m) {
			texts = append(texts, p.Content)
		}
		id := m.ToolCallID
		if id == "" {
			id = m.Name
		}
		out.Parts = []llmcall.Part{{Type: "tool_call_response", ID: id, Response: llmcall.JSONString(strings.Join(texts, ""))}}
		return out
	}
	out.Parts = messageParts(m)
	return out
}

// messageParts returns the parts of a request or response message.
func messageParts(m *chatMessage) []llmcall.Part {
	content := messageContent(m)
	if m.ReasoningContent == "" && m.Refusal == "" && len(m.ToolCalls) == 0 && m.FunctionCall == nil {
		if content == nil {
			return []llmcall.Part{}
		}
		return content // the common case: no second slice
	}
	parts := make([]llmcall.Part, 0, len(content)+len(m.ToolCalls)+3)
	if m.ReasoningContent != "" {
		parts = append(parts, llmcall.Part{Type: "reasoning", Content: m.ReasoningContent})
	}
	parts = append(parts, content...)
	if m.Refusal != "" {
		parts = append(parts, llmcall.Part{Type: "refusal", Content: m.Refusal})
	}
	for _, tc := range m.ToolCalls {
		parts = append(parts, llmcall.ToolCallPart(tc.ID, tc.Function.Name, []byte(tc.Function.Arguments)))
	}
	if f := m.FunctionCall; f != nil {
		parts = append(parts, llmcall.ToolCallPart("", f.Name, []byte(f.Arguments)))
	}
	return parts
}

// messageContent converts message content, a string or an array of parts.
func messageContent(m *chatMessage) []llmcall.Part {
	switch c := m.Content.(type) {
	case nil:
		return nil
	case string:
		return []llmcall.Part{llmcall.TextPart(c)}
	}
	// An array of parts is rarer: it is re-encoded to decode its typed parts.
	raw, err := llmcall.EncodeJSON(m.Content)
	var items []contentPart
	if err != nil || json.Unmarshal([]byte(raw), &items) != nil {
		return []llmcall.Part{{Type: "unknown", Content: raw}}
	}
	parts := make([]llmcall.Part, 0, len(items))
	for _, it := range items {
		switch it.Type {
		case "text", "input_text", "output_text":
			parts = append(parts, llmcall.TextPart(it.Text))
		case "refusal":
			parts = append(parts, llmcall.Part{Type: "refusal", Content: it.Refusal})
		case "image_url":
			parts = append(parts, urlPart(it.ImageURL.URL, "image"))
		case "input_audio":
			parts = append(parts, llmcall.Part{Type: "blob", Modality: "audio", MimeType: "audio/" + it.InputAudio.Format, OmittedBytes: len(it.InputAudio.Data)})
		case "file":
			if it.File.FileID != "" {
				parts = append(parts, llmcall.Part{Type: "file", FileID: it.File.FileID})
			} else {
				parts = append(parts, llmcall.Part{Type: "blob", OmittedBytes: len(it.File.FileData)})
			}
		default:
			parts = append(parts, llmcall.Part{Type: it.Type})
		}
	}
	return parts
}

// urlPart returns a "uri" part, or a "blob" part without its data for data:
// URLs.
func urlPart(u, defaultModality string) llmcall.Part {
	if rest, ok := strings.CutPrefix(u, "data:"); ok {
		mime, data, _ := strings.Cut(rest, ",")
		mime, _, _ = strings.Cut(mime, ";")
		mod := llmcall.Modality(mime)
		if mod == "" {
			mod = defaultModality
		}
		return llmcall.Part{Type: "blob", MimeType: mime, Modality: mod, OmittedBytes: len(data)}
	}
	return llmcall.Part{Type: "uri", URI: u, Modality: defaultModality}
}

// stringOrList decodes a JSON string or array of strings.
func stringOrList(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	if s, ok := llmcall.StringValue(raw); ok {
		return []string{s}
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	return nil
}

// ParseResponse reads the identity, usage, finish reasons and, with capture,
// the choices of a Chat Completions or Completions response.
func (c Completions) ParseResponse(body []byte, capture bool) (*llmcall.Response, error) {
	var r chatResponse
	if err := llmcall.Decode(body, &r, "response"); err != nil {
		return nil, err
	}
	resp := &llmcall.Response{ID: r.ID, Model: r.Model, Usage: r.Usage.callUsage()}
	if len(r.Choices) > 0 {
		resp.FinishReasons = make([]string, 0, len(r.Choices))
	}
	for _, ch := range r.Choices {
		resp.FinishReasons = append(resp.FinishReasons, ch.FinishReason)
		if !capture {
			continue
		}
		msg := llmcall.Message{Role: "assistant", FinishReason: llmcall.OutputFinishReason(ch.FinishReason)}
		switch {
		case ch.Message != nil:
			msg.Parts = messageParts(ch.Message)
		case ch.Text != nil:
			msg.Parts = []llmcall.Part{llmcall.TextPart(*ch.Text)}
		}
		resp.OutputMessages = append(resp.OutputMessages, msg)
	}
	return resp, nil
}

// RewriteRequest adds stream_options.include_usage=true to a streaming request
// that does not set it, so that the last chunk carries usage. The member is
// inserted where it belongs and every other byte of the caller's body is
// kept; nil means the body is sent as it is.
func (c Completions) RewriteRequest(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"stream"`)) {
		return nil
	}
	m, ok := topLevelMembers(body)
	if !ok || string(m.stream) != "true" {
		return nil
	}
	const usage = `"include_usage":true`
	var insert string
	at, cut := 0, 0
	switch opts := m.streamOptions; {
	case opts.value == nil: // absent: add the member before the closing brace
		at, insert = m.end, `,"stream_options":{`+usage+`}`
	case string(opts.value) == "null":
		at, cut, insert = opts.start, len(opts.value), `{`+usage+`}`
	default:
		var fields map[string]json.RawMessage
		if json.Unmarshal(opts.value, &fields) != nil {
			return nil // not an object: the server would reject it anyway
		}
		if _, set := fields["include_usage"]; set {
			return nil // the caller decided
		}
		at, insert = opts.start+1, usage
		if len(fields) > 0 {
			insert += ","
		}
	}
	out := make([]byte, 0, len(body)+len(insert)-cut)
	out = append(out, body[:at]...)
	out = append(out, insert...)
	return append(out, body[at+cut:]...)
}

// member is the value of a top-level member of a JSON object and its offset
// in the body.
type member struct {
	value json.RawMessage
	start int
}

// requestMembers are the top-level members RewriteRequest looks at, and the
// offset of the object's closing brace.
type requestMembers struct {
	stream        json.RawMessage
	streamOptions member
	end           int
}

// topLevelMembers walks the members of the JSON object in body with
// encoding/json's tokenizer, keeping the last "stream" and "stream_options"
// (keys are unescaped and matched exactly, as in a map, and the last of
// repeated keys wins, as in encoding/json). ok is false when body is not one
// valid JSON object.
func topLevelMembers(body []byte) (m requestMembers, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return m, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return m, false
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return m, false
		}
		switch tok {
		case "stream":
			m.stream = value
		case "stream_options":
			m.streamOptions = member{value: value, start: int(dec.InputOffset()) - len(value)}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return m, false
	}
	m.end = int(dec.InputOffset()) - 1
	if _, err := dec.Token(); err != io.EOF { // nothing may follow the object
		return m, false
	}
	return m, true
}
