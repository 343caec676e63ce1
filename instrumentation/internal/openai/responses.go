package openai

import (
	"cmp"
	"encoding/json"
	"strings"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// Responses is the codec of the OpenAI Responses API (POST /responses).
type Responses struct{}

type responsesRequest struct {
	Model           string          `json:"model"`
	Instructions    string          `json:"instructions"`
	Input           json.RawMessage `json:"input"`
	MaxOutputTokens *int64          `json:"max_output_tokens"`
	Temperature     *float64        `json:"temperature"`
	TopP            *float64        `json:"top_p"`
	Stream          bool            `json:"stream"`
}

type item struct {
	Type      string          `json:"type"`
	Role      string          `json:"role"`
	Content   json.RawMessage `json:"content"`
	CallID    string          `json:"call_id"`
	Name      string          `json:"name"`
	Arguments string          `json:"arguments"`
	Output    json.RawMessage `json:"output"`
	Summary   []struct {
		Text string `json:"text"`
	} `json:"summary"`
}

type itemContentPart struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Refusal  string `json:"refusal"`
	ImageURL string `json:"image_url"`
	FileID   string `json:"file_id"`
	FileData string `json:"file_data"`
}

type responsesUsage struct {
	InputTokens        *int64 `json:"input_tokens"`
	OutputTokens       *int64 `json:"output_tokens"`
	InputTokensDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

// callUsage maps Responses API usage: input_tokens includes cached tokens and
// output_tokens includes reasoning tokens.
func (u *responsesUsage) callUsage() *llmcall.Usage {
	if u == nil {
		return nil
	}
	out := &llmcall.Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens}
	if d := u.InputTokensDetails; d != nil {
		out.CacheReadInputTokens = d.CachedTokens
	}
	if d := u.OutputTokensDetails; d != nil {
		out.ReasoningOutputTokens = d.ReasoningTokens
	}
	return out
}

type responseObject struct {
	ID                string `json:"id"`
	Model             string `json:"model"`
	Status            string `json:"status"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Output []item                 `json:"output"`
	Usage  *responsesUsage        `json:"usage"`
	Error  *llmcall.ProviderError `json:"error"`
}

// ParseRequest reads the model and parameters of a Responses request and,
// with capture, its instructions and input items.
func (Responses) ParseRequest(body []byte, req *llmcall.Request, capture bool) error {
	var r responsesRequest
	if err := llmcall.Decode(body, &r, "request"); err != nil {
		return err
	}
	req.Model, req.MaxTokens, req.Temperature, req.TopP, req.Stream = r.Model, r.MaxOutputTokens, r.Temperature, r.TopP, r.Stream
	if !capture {
		return nil
	}
	if r.Instructions != "" {
		req.SystemInstructions = []llmcall.Part{llmcall.TextPart(r.Instructions)}
	}
	if s, ok := llmcall.StringValue(r.Input); ok {
		req.InputMessages = []llmcall.Message{{Role: "user", Parts: []llmcall.Part{llmcall.TextPart(s)}}}
		return nil
	}
	var items []item
	if len(r.Input) > 0 {
		if err := llmcall.Decode(r.Input, &items, "request input"); err != nil {
			return err
		}
	}
	req.InputMessages = itemMessages(items, "user")
	for _, m := range req.InputMessages {
		if m.Role == "system" || m.Role == "developer" {
			req.SystemInstructions = append(req.SystemInstructions, m.Parts...)
		}
	}
	return nil
}

// itemMessages converts input or output items; consecutive items of one role
// form one message.
func itemMessages(items []item, defaultRole string) []llmcall.Message {
	var msgs []llmcall.Message
	add := func(role string, p ...llmcall.Part) {
		if n := len(msgs); n > 0 && msgs[n-1].Role == role {
			msgs[n-1].Parts = append(msgs[n-1].Parts, p...)
			return
		}
		msgs = append(msgs, llmcall.Message{Role: role, Parts: p})
	}
	for _, it := range items {
		switch it.Type {
		case "function_call":
			add("assistant", llmcall.ToolCallPart(it.CallID, it.Name, []byte(it.Arguments)))
		case "function_call_output":
			if text, ok := llmcall.StringValue(it.Output); ok {
				add("tool", llmcall.Part{Type: "tool_call_response", ID: it.CallID, Response: llmcall.JSONString(text)})
			} else {
				add("tool", llmcall.ToolResponsePart(it.CallID, it.Output))
			}
		case "reasoning":
			var texts []string
			for _, s := range it.Summary {
				texts = append(texts, s.Text)
			}
			add("assistant", llmcall.Part{Type: "reasoning", Content: strings.Join(texts, "\n")})
		case "message", "":
			add(cmp.Or(it.Role, defaultRole), itemContent(it.Content)...)
		default:
			add("assistant", llmcall.Part{Type: it.Type})
		}
	}
	return msgs
}

func itemContent(raw json.RawMessage) []llmcall.Part {
	if s, ok := llmcall.StringValue(raw); ok {
		return []llmcall.Part{llmcall.TextPart(s)}
	}
	var items []itemContentPart
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	parts := make([]llmcall.Part, 0, len(items))
	for _, it := range items {
		switch it.Type {
		case "input_text", "output_text", "text":
			parts = append(parts, llmcall.TextPart(it.Text))
		case "refusal":
			parts = append(parts, llmcall.Part{Type: "refusal", Content: it.Refusal})
		case "input_image":
			if it.FileID != "" {
				parts = append(parts, llmcall.Part{Type: "file", FileID: it.FileID, Modality: "image"})
			} else {
				parts = append(parts, urlPart(it.ImageURL, "image"))
			}
		case "input_file":
			if it.FileID != "" {
				parts = append(parts, llmcall.Part{Type: "file", FileID: it.FileID})
			} else {
				parts = append(parts, llmcall.Part{Type: "blob", OmittedBytes: len(it.FileData)})
			}
		default:
			parts = append(parts, llmcall.Part{Type: it.Type})
		}
	}
	return parts
}

// ParseResponse reads a Response object and the error it carries.
func (Responses) ParseResponse(body []byte, capture bool) (*llmcall.Response, error) {
	var r responseObject
	if err := llmcall.Decode(body, &r, "response"); err != nil {
		return nil, err
	}
	return r.response(capture), r.failure()
}

func (r *responseObject) failure() error {
	if r.Error == nil || r.Error.Message == "" {
		return nil
	}
	return r.Error
}

// finishReason derives a finish reason from the response status, the
// incomplete reason, and the presence of function calls.
func (r *responseObject) finishReason() string {
	switch {
	case r.Status == "incomplete" && r.IncompleteDetails != nil:
		return r.IncompleteDetails.Reason
	case r.Status == "completed":
		for _, it := range r.Output {
			if it.Type == "function_call" {
				return "tool_calls"
			}
		}
		return "stop"
	}
	return r.Status
}

func (r *responseObject) response(capture bool) *llmcall.Response {
	resp := &llmcall.Response{ID: r.ID, Model: r.Model, Usage: r.Usage.callUsage()}
	reason := r.finishReason()
	if reason != "" {
		resp.FinishReasons = []string{reason}
	}
	if capture {
		resp.OutputMessages = itemMessages(r.Output, "assistant")
		if n := len(resp.OutputMessages); n > 0 {
			resp.OutputMessages[n-1].FinishReason = llmcall.OutputFinishReason(reason)
		}
	}
	return resp
}

// responsesStream accumulates Responses API stream events. The terminal event
// (response.completed, response.incomplete, response.failed) carries the
// whole response; text deltas are kept for streams that end before it.
type responsesStream struct {
	events  llmcall.EventDecoder
	capture bool
	final   *responseObject
	partial responseObject
	text    llmcall.TextBuilder
	err     error
}

// NewStream returns the accumulator of Responses stream events.
func (Responses) NewStream(capture bool, limit int) llmcall.Stream {
	return &responsesStream{capture: capture, text: llmcall.TextBuilder{Limit: limit}}
}

func (s *responsesStream) Event(_ string, data []byte) error {
	var ev struct {
		Type     string          `json:"type"`
		Response *responseObject `json:"response"`
		Delta    string          `json:"delta"`
		Message  string          `json:"message"`
		Code     string          `json:"code"`
	}
	if err := s.events.Decode(data, &ev, "stream event"); err != nil {
		return err
	}
	switch ev.Type {
	case "response.created", "response.in_progress":
		if ev.Response != nil {
			s.partial.ID, s.partial.Model = ev.Response.ID, ev.Response.Model
		}
	case "response.output_text.delta":
		if s.capture {
			s.text.Add(ev.Delta)
		}
	case "response.completed", "response.incomplete", "response.failed":
		s.final = ev.Response
		if ev.Response != nil {
			s.err = ev.Response.failure()
		}
	case "error":
		s.err = &llmcall.ProviderError{Type: cmp.Or(ev.Code, "error"), Message: ev.Message}
	}
	return nil
}

func (s *responsesStream) Done() bool     { return s.final != nil }
func (s *responsesStream) Failure() error { return s.err }

func (s *responsesStream) Response() *llmcall.Response {
	if s.final != nil {
		return s.final.response(s.capture)
	}
	resp := s.partial.response(false)
	if s.capture && !s.text.Empty() {
		resp.OutputMessages = []llmcall.Message{{Role: "assistant", Parts: []llmcall.Part{llmcall.TextPart(s.text.String())}}}
	}
	return resp
}
