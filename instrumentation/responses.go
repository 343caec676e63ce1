package instrumentation

import (
	"cmp"
	"encoding/json"
	"strings"
)

// responsesCodec handles the OpenAI Responses API (POST /responses).
type responsesCodec struct{}

type rsRequest struct {
	Model           string          `json:"model"`
	Instructions    string          `json:"instructions"`
	Input           json.RawMessage `json:"input"`
	MaxOutputTokens *int64          `json:"max_output_tokens"`
	Temperature     *float64        `json:"temperature"`
	TopP            *float64        `json:"top_p"`
	Stream          bool            `json:"stream"`
}

type rsItem struct {
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

type rsContentPart struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Refusal  string `json:"refusal"`
	ImageURL string `json:"image_url"`
	FileID   string `json:"file_id"`
	FileData string `json:"file_data"`
}

type rsUsage struct {
	InputTokens        *int64 `json:"input_tokens"`
	OutputTokens       *int64 `json:"output_tokens"`
	InputTokensDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

// usage maps Responses API usage: input_tokens includes cached tokens and
// output_tokens includes reasoning tokens.
func (u *rsUsage) usage() *Usage {
	if u == nil {
		return nil
	}
	out := &Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens}
	if d := u.InputTokensDetails; d != nil {
		out.CacheReadInputTokens = d.CachedTokens
	}
	if d := u.OutputTokensDetails; d != nil {
		out.ReasoningOutputTokens = d.ReasoningTokens
	}
	return out
}

type rsResponse struct {
	ID                string `json:"id"`
	Model             string `json:"model"`
	Status            string `json:"status"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Output []rsItem    `json:"output"`
	Usage  *rsUsage    `json:"usage"`
	Error  *eventError `json:"error"`
}

func (responsesCodec) parseRequest(body []byte, req *Request, capture bool) error {
	var r rsRequest
	if err := decode(body, &r, "request"); err != nil {
		return err
	}
	req.Model, req.MaxTokens, req.Temperature, req.TopP, req.Stream = r.Model, r.MaxOutputTokens, r.Temperature, r.TopP, r.Stream
	if !capture {
		return nil
	}
	if r.Instructions != "" {
		req.SystemInstructions = []Part{TextPart(r.Instructions)}
	}
	var s string
	if json.Unmarshal(r.Input, &s) == nil {
		req.InputMessages = []Message{{Role: "user", Parts: []Part{TextPart(s)}}}
		return nil
	}
	var items []rsItem
	if len(r.Input) > 0 {
		if err := decode(r.Input, &items, "request input"); err != nil {
			return err
		}
	}
	req.InputMessages = rsMessages(items, "user")
	for _, m := range req.InputMessages {
		if m.Role == "system" || m.Role == "developer" {
			req.SystemInstructions = append(req.SystemInstructions, m.Parts...)
		}
	}
	return nil
}

// rsMessages converts input or output items; consecutive items of one role
// form one message.
func rsMessages(items []rsItem, defaultRole string) []Message {
	var msgs []Message
	add := func(role string, p ...Part) {
		if n := len(msgs); n > 0 && msgs[n-1].Role == role {
			msgs[n-1].Parts = append(msgs[n-1].Parts, p...)
			return
		}
		msgs = append(msgs, Message{Role: role, Parts: p})
	}
	for _, it := range items {
		switch it.Type {
		case "function_call":
			add("assistant", ToolCallPart(it.CallID, it.Name, []byte(it.Arguments)))
		case "function_call_output":
			var text string
			if json.Unmarshal(it.Output, &text) == nil {
				add("tool", Part{Type: "tool_call_response", ID: it.CallID, Response: jsonString(text)})
			} else {
				add("tool", ToolResponsePart(it.CallID, it.Output))
			}
		case "reasoning":
			var texts []string
			for _, s := range it.Summary {
				texts = append(texts, s.Text)
			}
			add("assistant", Part{Type: "reasoning", Content: strings.Join(texts, "\n")})
		case "message", "":
			add(cmp.Or(it.Role, defaultRole), rsContent(it.Content)...)
		default:
			add("assistant", Part{Type: it.Type})
		}
	}
	return msgs
}

func rsContent(raw json.RawMessage) []Part {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []Part{TextPart(s)}
	}
	var items []rsContentPart
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	parts := make([]Part, 0, len(items))
	for _, it := range items {
		switch it.Type {
		case "input_text", "output_text", "text":
			parts = append(parts, TextPart(it.Text))
		case "refusal":
			parts = append(parts, Part{Type: "refusal", Content: it.Refusal})
		case "input_image":
			if it.FileID != "" {
				parts = append(parts, Part{Type: "file", FileID: it.FileID, Modality: "image"})
			} else {
				parts = append(parts, urlPart(it.ImageURL, "image"))
			}
		case "input_file":
			if it.FileID != "" {
				parts = append(parts, Part{Type: "file", FileID: it.FileID})
			} else {
				parts = append(parts, Part{Type: "blob", OmittedBytes: len(it.FileData)})
			}
		default:
			parts = append(parts, Part{Type: it.Type})
		}
	}
	return parts
}

func (responsesCodec) parseResponse(body []byte, capture bool) (*Response, error) {
	var r rsResponse
	if err := decode(body, &r, "response"); err != nil {
		return nil, err
	}
	return r.response(capture), r.failure()
}

func (r *rsResponse) failure() error {
	if r.Error == nil || r.Error.Message == "" {
		return nil
	}
	return r.Error
}

// finishReason derives a finish reason from the response status, the
// incomplete reason, and the presence of function calls.
func (r *rsResponse) finishReason() string {
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

func (r *rsResponse) response(capture bool) *Response {
	resp := &Response{ID: r.ID, Model: r.Model, Usage: r.Usage.usage()}
	reason := r.finishReason()
	if reason != "" {
		resp.FinishReasons = []string{reason}
	}
	if capture {
		resp.OutputMessages = rsMessages(r.Output, "assistant")
		if n := len(resp.OutputMessages); n > 0 {
			resp.OutputMessages[n-1].FinishReason = outputFinishReason(reason)
		}
	}
	return resp
}

// rsStream accumulates Responses API stream events. The terminal event
// (response.completed, response.incomplete, response.failed) carries the
// whole response; text deltas are kept for streams that end before it.
type rsStream struct {
	capture bool
	final   *rsResponse
	partial rsResponse
	text    textBuilder
	err     error
}

func (responsesCodec) newStream(capture bool, limit int) streamAccumulator {
	return &rsStream{capture: capture, text: textBuilder{limit: limit}}
}

func (s *rsStream) event(_ string, data []byte) error {
	var ev struct {
		Type     string      `json:"type"`
		Response *rsResponse `json:"response"`
		Delta    string      `json:"delta"`
		Message  string      `json:"message"`
		Code     string      `json:"code"`
	}
	if err := decode(data, &ev, "stream event"); err != nil {
		return err
	}
	switch ev.Type {
	case "response.created", "response.in_progress":
		if ev.Response != nil {
			s.partial.ID, s.partial.Model = ev.Response.ID, ev.Response.Model
		}
	case "response.output_text.delta":
		if s.capture {
			s.text.add(ev.Delta)
		}
	case "response.completed", "response.incomplete", "response.failed":
		s.final = ev.Response
		if ev.Response != nil {
			s.err = ev.Response.failure()
		}
	case "error":
		s.err = &eventError{Type: cmp.Or(ev.Code, "error"), Message: ev.Message}
	}
	return nil
}

func (s *rsStream) done() bool     { return s.final != nil }
func (s *rsStream) failure() error { return s.err }

func (s *rsStream) response() *Response {
	if s.final != nil {
		return s.final.response(s.capture)
	}
	resp := s.partial.response(false)
	if s.capture && !s.text.empty() {
		resp.OutputMessages = []Message{{Role: "assistant", Parts: []Part{TextPart(s.text.String())}}}
	}
	return resp
}
