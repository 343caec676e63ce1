package fakellm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type anthropicRequest struct {
	Model    string          `json:"model"`
	System   json.RawMessage `json:"system"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

func (s *Server) anthropicMessages(w http.ResponseWriter, body []byte) {
	var req anthropicRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	var prompt strings.Builder
	if len(req.System) > 0 {
		prompt.WriteString(contentText(req.System))
		prompt.WriteString("\n")
	}
	for _, m := range req.Messages {
		prompt.WriteString(contentText(m.Content))
		prompt.WriteString("\n")
	}
	reply := s.answer(req.Model, prompt.String())
	writeJSON(w, map[string]any{
		"id": fmt.Sprintf("msg_fake%d", s.calls.Load()), "type": "message", "role": "assistant", "model": req.Model,
		"content":     []any{map[string]any{"type": "text", "text": reply}},
		"stop_reason": "end_turn", "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": Tokens(prompt.String()), "output_tokens": Tokens(reply),
			"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
	})
}
