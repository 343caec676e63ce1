package fakellm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type geminiRequest struct {
	SystemInstruction *geminiContent  `json:"systemInstruction"`
	Contents          []geminiContent `json:"contents"`
	GenerationConfig  *struct {
		MaxOutputTokens int64 `json:"maxOutputTokens"`
	} `json:"generationConfig"`
}

type geminiContent struct {
	Role  string `json:"role"`
	Parts []struct {
		Text string `json:"text"`
	} `json:"parts"`
}

func (s *Server) geminiGenerate(ctx context.Context, w http.ResponseWriter, path string, body []byte, stream bool) {
	var req geminiRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, "gemini", http.StatusBadRequest, "invalid JSON: "+err.Error())
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
	var limit int64
	if req.GenerationConfig != nil {
		limit = req.GenerationConfig.MaxOutputTokens
	}
	r, fault := s.generate(ctx, "gemini", model, prompt.String(), limit)
	if fault != nil {
		writeError(w, "gemini", fault.Status, fault.Message)
		return
	}
	ids := tokenIDs(model, prompt.String())
	in, out := int64(len(ids)), r.tokens
	usage := map[string]any{"promptTokenCount": in, "candidatesTokenCount": out, "totalTokenCount": in + out}
	if cached := s.cache.implicit(model, ids, geminiMinCacheable(model), geminiCacheStep); cached > 0 {
		usage["cachedContentTokenCount"] = cached
	}
	finish := "STOP"
	if r.truncated {
		finish = "MAX_TOKENS"
	}
	id := fmt.Sprintf("fake%d", r.n)
	candidate := func(text string, finish string) []any {
		c := map[string]any{"index": 0, "content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}}}
		if finish != "" {
			c["finishReason"] = finish
		}
		return []any{c}
	}
	if !stream {
		writeJSON(w, map[string]any{"candidates": candidate(r.text, finish), "usageMetadata": usage,
			"modelVersion": model, "responseId": id})
		return
	}
	ev := newSSE(w)
	words := chunks(r.text)
	for i, word := range words {
		msg := map[string]any{"candidates": candidate(word, ""), "modelVersion": model, "responseId": id}
		if i == len(words)-1 {
			msg["candidates"] = candidate(word, finish)
			msg["usageMetadata"] = usage
		}
		ev.send("", msg)
	}
	if len(words) == 0 {
		ev.send("", map[string]any{"candidates": candidate("", finish), "usageMetadata": usage, "modelVersion": model, "responseId": id})
	}
}
