package anthropic

import (
	"encoding/json"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// Messages is the codec of Anthropic Messages, plain and streamed.
type Messages struct{}

type messagesRequest struct {
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

type inputMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type contentBlock struct {
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

type tokenUsage struct {
	InputTokens              *int64 `json:"input_tokens"`
	OutputTokens             *int64 `json:"output_tokens"`
	CacheCreationInputTokens *int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int64 `json:"cache_read_input_tokens"`
}

// merge overwrites u with the fields present in o (stream usage is
// cumulative).
func (u *tokenUsage) merge(o *tokenUsage) {
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

// callUsage maps Anthropic usage: input_tokens excludes cache reads and writes,
// so the semconv input total adds them. Thinking tokens are part of
// output_tokens and are not reported separately.
func (u *tokenUsage) callUsage() *llmcall.Usage {
	if u == nil || (u.InputTokens == nil && u.OutputTokens == nil) {
		return nil
	}
	return &llmcall.Usage{
		InputTokens:              llmcall.Sum(u.InputTokens, u.CacheCreationInputTokens, u.CacheReadInputTokens),
		OutputTokens:             u.OutputTokens,
		CacheReadInputTokens:     u.CacheReadInputTokens,
		CacheCreationInputTokens: u.CacheCreationInputTokens,
	}
}

type messagesResponse struct {
	ID         string         `json:"id"`
	Model      string         `json:"model"`
	Content    []contentBlock `json:"content"`
	StopReason string         `json:"stop_reason"`
	Usage      *tokenUsage    `json:"usage"`
}

// messagesRequestWithContent decodes the messages in the same pass as the
// parameters, when content is captured; its Messages hides the embedded one.
type messagesRequestWithContent struct {
	messagesRequest
	Messages []inputMessage `json:"messages"`
}

// ParseRequest reads the model and parameters of a Messages request and,
// with capture, its system prompt and messages.
func (Messages) ParseRequest(body []byte, req *llmcall.Request, capture bool) error {
	var full messagesRequestWithContent
	if capture && json.Unmarshal(body, &full) == nil {
		setParams(req, &full.messagesRequest)
		req.SystemInstructions = blockParts(full.System)
		req.InputMessages = messages(full.Messages)
		return nil
	}
	return parseRequestInSteps(body, req, capture)
}

// parseRequestInSteps decodes the parameters and then the content, so that
// the error of a malformed body says which part is malformed; for a body
// ParseRequest decodes in one pass, it fills req the same way.
func parseRequestInSteps(body []byte, req *llmcall.Request, capture bool) error {
	var r messagesRequest
	if err := llmcall.Decode(body, &r, "request"); err != nil {
		return err
	}
	setParams(req, &r)
	if !capture {
		return nil
	}
	req.SystemInstructions = blockParts(r.System)
	var msgs []inputMessage
	if len(r.Messages) > 0 {
		if err := llmcall.Decode(r.Messages, &msgs, "request messages"); err != nil {
			return err
		}
	}
	req.InputMessages = messages(msgs)
	return nil
}

func setParams(req *llmcall.Request, r *messagesRequest) {
	req.Model, req.MaxTokens, req.Temperature, req.TopP, req.TopK = r.Model, r.MaxTokens, r.Temperature, r.TopP, r.TopK
	req.StopSequences, req.Stream = r.StopSequences, r.Stream
}

// messages converts the request messages; a message of tool results only is
// a "tool" message.
func messages(msgs []inputMessage) []llmcall.Message {
	var out []llmcall.Message
	for _, m := range msgs {
		parts := blockParts(m.Content)
		role := m.Role
		if allToolResults(parts) {
			role = "tool"
		}
		out = append(out, llmcall.Message{Role: role, Parts: parts})
	}
	return out
}

func allToolResults(parts []llmcall.Part) bool {
	for _, p := range parts {
		if p.Type != "tool_call_response" {
			return false
		}
	}
	return len(parts) > 0
}

// blockParts converts a string or an array of content blocks.
func blockParts(raw json.RawMessage) []llmcall.Part {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if s, ok := llmcall.StringValue(raw); ok {
		return []llmcall.Part{llmcall.TextPart(s)}
	}
	var blocks []contentBlock
	if json.Unmarshal(raw, &blocks) != nil {
		return []llmcall.Part{{Type: "unknown", Content: string(raw)}}
	}
	parts := make([]llmcall.Part, 0, len(blocks))
	for i := range blocks {
		parts = append(parts, blockPart(&blocks[i]))
	}
	return parts
}

func blockPart(b *contentBlock) llmcall.Part {
	switch b.Type {
	case "text":
		return llmcall.TextPart(b.Text)
	case "thinking":
		return llmcall.Part{Type: "reasoning", Content: b.Thinking}
	case "redacted_thinking":
		return llmcall.Part{Type: "reasoning"}
	case "tool_use", "server_tool_use", "mcp_tool_use":
		return llmcall.ToolCallPart(b.ID, b.Name, b.Input)
	case "tool_result", "mcp_tool_result":
		if text, ok := llmcall.StringValue(b.Content); ok {
			return llmcall.Part{Type: "tool_call_response", ID: b.ToolUseID, Response: llmcall.JSONString(text)}
		}
		return llmcall.ToolResponsePart(b.ToolUseID, b.Content)
	case "image", "document":
		if src := b.Source; src != nil {
			mod := llmcall.Modality(src.MediaType)
			if mod == "" && b.Type == "image" {
				mod = "image"
			}
			switch src.Type {
			case "url":
				return llmcall.Part{Type: "uri", URI: src.URL, MimeType: src.MediaType, Modality: mod}
			case "file":
				return llmcall.Part{Type: "file", FileID: src.FileID, MimeType: src.MediaType, Modality: mod}
			}
			return llmcall.Part{Type: "blob", MimeType: src.MediaType, Modality: mod, OmittedBytes: len(src.Data)}
		}
	}
	return llmcall.Part{Type: b.Type}
}

// ParseResponse reads the identity, usage, stop reason and, with capture,
// the content blocks of a Messages response.
func (Messages) ParseResponse(body []byte, capture bool) (*llmcall.Response, error) {
	var r messagesResponse
	if err := llmcall.Decode(body, &r, "response"); err != nil {
		return nil, err
	}
	resp := &llmcall.Response{ID: r.ID, Model: r.Model, Usage: r.Usage.callUsage()}
	if r.StopReason != "" {
		resp.FinishReasons = []string{r.StopReason}
	}
	if capture {
		msg := llmcall.Message{Role: "assistant", FinishReason: llmcall.OutputFinishReason(r.StopReason), Parts: make([]llmcall.Part, 0, len(r.Content))}
		for i := range r.Content {
			msg.Parts = append(msg.Parts, blockPart(&r.Content[i]))
		}
		resp.OutputMessages = []llmcall.Message{msg}
	}
	return resp, nil
}
