package instrumentation

import (
	"bytes"
	"encoding/json"
	"io"
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
	Role string `json:"role"`
	Name string `json:"name"`
	// Content is a string or an array of parts. As an any, the common
	// string is decoded in the same pass as the rest of the body.
	Content          any          `json:"content"`
	Refusal          string       `json:"refusal"`
	ReasoningContent string       `json:"reasoning_content"`
	ToolCalls        []oaToolCall `json:"tool_calls"`
	ToolCallID       string       `json:"tool_call_id"`
	FunctionCall     *oaFunction  `json:"function_call"`
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
	var full oaRequestWithMessages
	var target any = &full.oaRequest
	if capture && c.chat {
		target = &full
	}
	if err := decode(body, target, "request"); err != nil {
		return err
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
		return nil
	}
	if !c.chat {
		for _, p := range stringOrList(r.Prompt) {
			req.InputMessages = append(req.InputMessages, Message{Role: "user", Parts: []Part{TextPart(p)}})
		}
		return nil
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
	return nil
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
	switch c := m.Content.(type) {
	case nil:
		return nil
	case string:
		return []Part{TextPart(c)}
	}
	// An array of parts is rarer: it is re-encoded to decode its typed parts.
	raw, err := encodeJSON(m.Content)
	var items []oaContentPart
	if err != nil || json.Unmarshal([]byte(raw), &items) != nil {
		return []Part{{Type: "unknown", Content: raw}}
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
	if err := decode(body, &r, "response"); err != nil {
		return nil, err
	}
	resp := &Response{ID: r.ID, Model: r.Model, Usage: r.Usage.usage()}
	if len(r.Choices) > 0 {
		resp.FinishReasons = make([]string, 0, len(r.Choices))
	}
	for _, ch := range r.Choices {
		resp.FinishReasons = append(resp.FinishReasons, ch.FinishReason)
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

// rewriteRequest adds stream_options.include_usage=true to a streaming request
// that does not set it, so that the last chunk carries usage. The member is
// inserted where it belongs and every other byte of the caller's body is
// kept; nil means the body is sent as it is.
func (c openaiCodec) rewriteRequest(body []byte, cfg *config) []byte {
	if !cfg.streamUsage || !bytes.Contains(body, []byte(`"stream"`)) {
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

// requestMembers are the top-level members rewriteRequest looks at, and the
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
