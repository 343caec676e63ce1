package fakellm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type geminiRequest struct {
	SystemInstruction *geminiContent  `json:"systemInstruction"`
	Contents          []geminiContent `json:"contents"`
}

type geminiContent struct {
	Role  string `json:"role"`
	Parts []struct {
		Text string `json:"text"`
	} `json:"parts"`
}

func (s *Server) geminiGenerate(w http.ResponseWriter, path string, body []byte) {
	var req geminiRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	// .../models/{model}:generateContent
	model := path[strings.LastIndex(path, "/")+1 : strings.LastIndex(path, ":")]
	var prompt strings.Builder
	all := req.Contents
	if req.SystemInstruction != nil {
		all = append([]geminiContent{*req.SystemInstruction}, all...)
	}
	for _, c := range all {
		for _, p := range c.Parts {
			prompt.WriteString(p.Text)
		}
		prompt.WriteString("\n")
	}
	reply := s.answer(model, prompt.String())
	in, out := Tokens(prompt.String()), Tokens(reply)
	writeJSON(w, map[string]any{
		"candidates": []any{map[string]any{"index": 0, "finishReason": "STOP",
			"content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": reply}}}}},
		"usageMetadata": map[string]any{"promptTokenCount": in, "candidatesTokenCount": out, "totalTokenCount": in + out},
		"modelVersion":  model, "responseId": fmt.Sprintf("fake%d", s.calls.Load()),
	})
}
