package fakellm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// Responder returns the assistant's reply to a prompt (the concatenated text
// of the request's system and user content) for a model.
type Responder func(model, prompt string) string

// Server is an http.Handler serving the provider endpoints.
type Server struct {
	respond Responder
	calls   atomic.Int64
}

// New returns a server answering with respond (DefaultResponder when nil).
func New(respond Responder) *Server {
	if respond == nil {
		respond = DefaultResponder
	}
	return &Server{respond: respond}
}

// Calls returns how many model calls the server has answered.
func (s *Server) Calls() int64 { return s.calls.Load() }

// ServeHTTP routes OpenAI, Anthropic and Gemini requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/chat/completions"):
		s.openAIChat(w, body)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/v1/messages"):
		s.anthropicMessages(w, body)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, ":generateContent"):
		s.geminiGenerate(w, r.URL.Path, body)
	default:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no fake endpoint for %s %s", r.Method, r.URL.Path))
	}
}

// Tokens estimates the token count of text the way the fake bills it:
// about four bytes a token, at least one for non-empty text.
func Tokens(text string) int64 {
	if text == "" {
		return 0
	}
	return int64(len(text)+3) / 4
}

func (s *Server) answer(model, prompt string) string {
	s.calls.Add(1)
	return s.respond(model, prompt)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}})
}
