package instrumentation

import "encoding/json"

// anthropicCodec handles Anthropic Messages, plain and streamed.
type anthropicCodec struct{}

type anRequest struct {
	Model         string          `json:"model"`
	MaxTokens     *int64          `json:"max_tokens"`
	Temperature   *float64        `json:"temperature"`
	TopP          *float64        `json:"top_p"`
	TopK          *float64        `json:"top_k"`
	StopSequences []string        `json:"stop_sequences"`
	Stream        bool            `json:"stream"`
	System        json.RawMessage `json:"system"`
	Messages      json.RawMessage `json:"messages"`
}

type anMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type anBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	Thinking  string          `json:"thinking"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
	Source    *struct {
		Type      string `json:"type"`
		MediaType string `json:"media_type"`
		Data      string `json:"data"`
		URL       string `json:"url"`
		FileID    string `json:"file_id"`
	} `json:"source"`
}

type anUsage struct {
	InputTokens              *int64 `json:"input_tokens"`
	OutputTokens             *int64 `json:"output_tokens"`
	CacheCreationInputTokens *int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int64 `json:"cache_read_input_tokens"`
}

// merge overwrites u with the fields present in o (stream usage is
// cumulative).
func (u *anUsage) merge(o *anUsage) {
	if o == nil {
		return
	}
	for _, f := range [][2]**int64{
		{&u.InputTokens, &o.InputTokens}, {&u.OutputTokens, &o.OutputTokens},
		{&u.CacheCreationInputTokens, &o.CacheCreationInputTokens}, {&u.CacheReadInputTokens, &o.CacheReadInputTokens},
	} {
		if *f[1] != nil {
			*f[0] = *f[1]
		}
	}
}

// usage maps Anthropic usage: input_tokens excludes cache reads and writes,
// so the semconv input total adds them. Thinking tokens are part of
// output_tokens and are not reported separately.
func (u *anUsage) usage() *Usage {
	if u == nil || (u.InputTokens == nil && u.OutputTokens == nil) {
		return nil
	}
	return &Usage{
		InputTokens:              sum(u.InputTokens, u.CacheCreationInputTokens, u.CacheReadInputTokens),
		OutputTokens:             u.OutputTokens,
		CacheReadInputTokens:     u.CacheReadInputTokens,
		CacheCreationInputTokens: u.CacheCreationInputTokens,
	}
}

type anResponse struct {
	ID         string    `json:"id"`
	Model      string    `json:"model"`
	Content    []anBlock `json:"content"`
	StopReason string    `json:"stop_reason"`
	Usage      *anUsage  `json:"usage"`
}

func (anthropicCodec) parseRequest(body []byte, req *Request, capture bool) error {
	var r anRequest
	if err := decode(body, &r, "request"); err != nil {
		return err
	}
	req.Model, req.MaxTokens, req.Temperature, req.TopP, req.TopK = r.Model, r.MaxTokens, r.Temperature, r.TopP, r.TopK
	req.StopSequences, req.Stream = r.StopSequences, r.Stream
	if !capture {
		return nil
	}
	req.SystemInstructions = anContent(r.System)
	var msgs []anMessage
	if len(r.Messages) > 0 {
		if err := decode(r.Messages, &msgs, "request messages"); err != nil {
			return err
		}
	}
	for _, m := range msgs {
		parts := anContent(m.Content)
		role := m.Role
		if allToolResults(parts) {
			role = "tool"
		}
		req.InputMessages = append(req.InputMessages, Message{Role: role, Parts: parts})
	}
	return nil
}

func allToolResults(parts []Part) bool {
	for _, p := range parts {
		if p.Type != "tool_call_response" {
			return false
		}
	}
	return len(parts) > 0
}

// anContent converts a string or an array of content blocks.
func anContent(raw json.RawMessage) []Part {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []Part{TextPart(s)}
	}
	var blocks []anBlock
	if json.Unmarshal(raw, &blocks) != nil {
		return []Part{{Type: "unknown", Content: string(raw)}}
	}
	parts := make([]Part, 0, len(blocks))
	for i := range blocks {
		parts = append(parts, anPart(&blocks[i]))
	}
	return parts
}

func anPart(b *anBlock) Part {
	switch b.Type {
	case "text":
		return TextPart(b.Text)
	case "thinking":
		return Part{Type: "reasoning", Content: b.Thinking}
	case "redacted_thinking":
		return Part{Type: "reasoning"}
	case "tool_use", "server_tool_use", "mcp_tool_use":
		return ToolCallPart(b.ID, b.Name, b.Input)
	case "tool_result", "mcp_tool_result":
		var text string
		if json.Unmarshal(b.Content, &text) == nil {
			return Part{Type: "tool_call_response", ID: b.ToolUseID, Response: jsonString(text)}
		}
		return ToolResponsePart(b.ToolUseID, b.Content)
	case "image", "document":
		if src := b.Source; src != nil {
			mod := modality(src.MediaType)
			if mod == "" && b.Type == "image" {
				mod = "image"
			}
			switch src.Type {
			case "url":
				return Part{Type: "uri", URI: src.URL, MimeType: src.MediaType, Modality: mod}
			case "file":
				return Part{Type: "file", FileID: src.FileID, MimeType: src.MediaType, Modality: mod}
			}
			return Part{Type: "blob", MimeType: src.MediaType, Modality: mod, OmittedBytes: len(src.Data)}
		}
	}
	return Part{Type: b.Type}
}

func (anthropicCodec) parseResponse(body []byte, capture bool) (*Response, error) {
	var r anResponse
	if err := decode(body, &r, "response"); err != nil {
		return nil, err
	}
	resp := &Response{ID: r.ID, Model: r.Model, Usage: r.Usage.usage()}
	if r.StopReason != "" {
		resp.FinishReasons = []string{r.StopReason}
	}
	if capture {
		msg := Message{Role: "assistant", FinishReason: outputFinishReason(r.StopReason), Parts: make([]Part, 0, len(r.Content))}
		for i := range r.Content {
			msg.Parts = append(msg.Parts, anPart(&r.Content[i]))
		}
		resp.OutputMessages = []Message{msg}
	}
	return resp, nil
}
