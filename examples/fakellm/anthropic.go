package fakellm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type anthropicRequest struct {
	Model     string          `json:"model"`
	MaxTokens int64           `json:"max_tokens"`
	Stream    bool            `json:"stream"`
	System    json.RawMessage `json:"system"`
	Messages  []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

// contentBlock is a text block of a system or message content, and whether it
// ends a cache_control breakpoint.
type contentBlock struct {
	Type         string          `json:"type"`
	Text         string          `json:"text"`
	CacheControl json.RawMessage `json:"cache_control"`
}

// contentBlocks reads a content that is a string or an array of blocks.
func contentBlocks(raw json.RawMessage) []contentBlock {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []contentBlock{{Type: "text", Text: s}}
	}
	var blocks []contentBlock
	_ = json.Unmarshal(raw, &blocks)
	return blocks
}

func (s *Server) anthropicMessages(ctx context.Context, w http.ResponseWriter, body []byte) {
	var req anthropicRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, "anthropic", http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	// The prompt is the system text, then each message's text, each
	// followed by a newline; a breakpoint's prefix is the prompt up to the
	// end of its block.
	var prompt strings.Builder
	var bps []breakpoint
	add := func(blocks []contentBlock) {
		for _, b := range blocks {
			prompt.WriteString(b.Text)
			if len(b.CacheControl) > 0 && string(b.CacheControl) != "null" {
				bps = append(bps, breakpoint{prefix: prompt.String()})
			}
		}
		prompt.WriteString("\n")
	}
	if sys := contentBlocks(req.System); len(sys) > 0 {
		add(sys)
	}
	for _, m := range req.Messages {
		add(contentBlocks(m.Content))
	}
	r, fault := s.generate(ctx, "anthropic", req.Model, prompt.String(), req.MaxTokens)
	if fault != nil {
		writeError(w, "anthropic", fault.Status, fault.Message)
		return
	}
	for i := range bps {
		bps[i].tokens = Tokens(req.Model, bps[i].prefix)
	}
	total := Tokens(req.Model, prompt.String())
	read, write := s.cache.explicit(req.Model, bps, anthropicMinCacheable(req.Model))
	usage := map[string]any{"input_tokens": total - read - write, "output_tokens": r.tokens,
		"cache_creation_input_tokens": write, "cache_read_input_tokens": read}
	stop := "end_turn"
	if r.truncated {
		stop = "max_tokens"
	}
	id := fmt.Sprintf("msg_fake%d", r.n)
	if !req.Stream {
		writeJSON(w, map[string]any{
			"id": id, "type": "message", "role": "assistant", "model": req.Model,
			"content":     []any{map[string]any{"type": "text", "text": r.text}},
			"stop_reason": stop, "stop_sequence": nil, "usage": usage,
		})
		return
	}
	ev := newSSE(w)
	startUsage := map[string]any{"input_tokens": usage["input_tokens"], "output_tokens": 1,
		"cache_creation_input_tokens": write, "cache_read_input_tokens": read}
	ev.send("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": id, "type": "message", "role": "assistant", "model": req.Model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil, "usage": startUsage}})
	ev.send("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
		"content_block": map[string]any{"type": "text", "text": ""}})
	for _, word := range chunks(r.text) {
		ev.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]any{"type": "text_delta", "text": word}})
	}
	ev.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	ev.send("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": stop, "stop_sequence": nil},
		"usage": map[string]any{"output_tokens": r.tokens}})
	ev.send("message_stop", map[string]any{"type": "message_stop"})
}
