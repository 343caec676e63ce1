package fakellm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type openAIRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	MaxTokens           int64 `json:"max_tokens"`
	MaxCompletionTokens int64 `json:"max_completion_tokens"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// contentText flattens a message content that is a string or an array of parts.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

func (s *Server) openAIChat(ctx context.Context, w http.ResponseWriter, body []byte) {
	var req openAIRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, "openai", http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	var prompt strings.Builder
	for _, m := range req.Messages {
		prompt.WriteString(contentText(m.Content))
		prompt.WriteString("\n")
	}
	limit := req.MaxCompletionTokens
	if limit <= 0 {
		limit = req.MaxTokens
	}
	r, fault := s.generate(ctx, "openai", req.Model, prompt.String(), limit)
	if fault != nil {
		writeError(w, "openai", fault.Status, fault.Message)
		return
	}
	ids := tokenIDs(req.Model, prompt.String())
	in, out := int64(len(ids)), r.tokens
	cached := s.cache.implicit(req.Model, ids, openAIMinCacheable, openAICacheStep)
	usage := map[string]any{
		"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out,
		"prompt_tokens_details":     map[string]any{"cached_tokens": cached},
		"completion_tokens_details": map[string]any{"reasoning_tokens": 0},
	}
	finish := "stop"
	if r.truncated {
		finish = "length"
	}
	id := fmt.Sprintf("chatcmpl-fake%d", r.n)
	if !req.Stream {
		writeJSON(w, map[string]any{
			"id": id, "object": "chat.completion", "created": 1764000000, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": finish,
				"message": map[string]any{"role": "assistant", "content": r.text}}},
			"usage": usage,
		})
		return
	}
	ev := newSSE(w)
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": id, "object": "chat.completion.chunk", "created": 1764000000, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	ev.send("", chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for _, word := range chunks(r.text) {
		ev.send("", chunk(map[string]any{"content": word}, nil))
	}
	ev.send("", chunk(map[string]any{}, finish))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		ev.send("", map[string]any{"id": id, "object": "chat.completion.chunk", "created": 1764000000, "model": req.Model,
			"choices": []any{}, "usage": usage})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}
