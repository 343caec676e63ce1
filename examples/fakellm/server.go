package fakellm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Responder returns the assistant's reply to a prompt (the concatenated text
// of the request's system and user content) for a model.
type Responder func(model, prompt string) string

// Call describes one model call as the server sees it, for fault injection.
type Call struct {
	Provider string // "openai", "anthropic" or "gemini"
	Model    string
	Prompt   string
	N        int64 // 1 for the server's first call
}

// Fault changes how the server answers one call: Status ≥ 400 fails it with
// Message in the provider's error shape, MaxOutputTokens > 0 truncates the
// reply to that many tokens (as a request's own max_tokens does).
type Fault struct {
	Status          int
	Message         string
	MaxOutputTokens int64
}

// Option configures a Server.
type Option func(*Server)

// WithLatency delays every answer by d (streams: before the first chunk).
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithFaults injects a fault into the calls for which f returns one.
func WithFaults(f func(Call) Fault) Option { return func(s *Server) { s.faults = f } }

// Server is an http.Handler serving the provider endpoints.
type Server struct {
	respond Responder
	latency time.Duration
	faults  func(Call) Fault
	cache   *prefixCache
	calls   atomic.Int64
}

// New returns a server answering with respond (DefaultResponder when nil).
func New(respond Responder, opts ...Option) *Server {
	if respond == nil {
		respond = DefaultResponder
	}
	s := &Server{respond: respond, cache: newPrefixCache()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Calls returns how many model calls the server has answered.
func (s *Server) Calls() int64 { return s.calls.Load() }

// ServeHTTP routes OpenAI, Anthropic and Gemini requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, "openai", http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/chat/completions"):
		s.openAIChat(r.Context(), w, body)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/v1/messages"):
		s.anthropicMessages(r.Context(), w, body)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, ":generateContent"):
		s.geminiGenerate(r.Context(), w, r.URL.Path, body, false)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, ":streamGenerateContent"):
		s.geminiGenerate(r.Context(), w, r.URL.Path, body, true)
	default:
		writeError(w, "openai", http.StatusNotFound, fmt.Sprintf("no fake endpoint for %s %s", r.Method, r.URL.Path))
	}
}

// reply is one generated answer.
type reply struct {
	text      string
	tokens    int64
	truncated bool
	n         int64
}

// generate answers prompt, applying latency, faults and the output limit
// (maxTokens ≤ 0: none); a non-nil *Fault is the error to return instead.
func (s *Server) generate(ctx context.Context, provider, model, prompt string, maxTokens int64) (reply, *Fault) {
	n := s.calls.Add(1)
	if s.latency > 0 {
		t := time.NewTimer(s.latency)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	var f Fault
	if s.faults != nil {
		f = s.faults(Call{Provider: provider, Model: model, Prompt: prompt, N: n})
	}
	if f.Status >= 400 {
		if f.Message == "" {
			f.Message = http.StatusText(f.Status)
		}
		return reply{n: n}, &f
	}
	if f.MaxOutputTokens > 0 && (maxTokens <= 0 || f.MaxOutputTokens < maxTokens) {
		maxTokens = f.MaxOutputTokens
	}
	text := s.respond(model, prompt)
	ids := tokenIDs(model, text)
	r := reply{text: text, tokens: int64(len(ids)), n: n}
	if maxTokens > 0 && r.tokens > maxTokens {
		cut, err := codecFor(model).Decode(ids[:maxTokens])
		if err == nil {
			r.text = cut
		}
		r.tokens, r.truncated = maxTokens, true
	}
	return r, nil
}

// chunks splits a reply into the word-sized pieces a stream sends.
func chunks(text string) []string {
	if text == "" {
		return nil
	}
	return strings.SplitAfter(text, " ")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// sse writes server-sent events, flushing each.
type sse struct {
	w http.ResponseWriter
	f http.Flusher
}

func newSSE(w http.ResponseWriter) *sse {
	w.Header().Set("Content-Type", "text/event-stream")
	f, _ := w.(http.Flusher)
	return &sse{w: w, f: f}
}

func (s *sse) send(event string, v any) {
	b, _ := json.Marshal(v)
	if event != "" {
		fmt.Fprintf(s.w, "event: %s\n", event)
	}
	fmt.Fprintf(s.w, "data: %s\n\n", b)
	if s.f != nil {
		s.f.Flush()
	}
}

// writeError answers with the error body shape of provider.
func writeError(w http.ResponseWriter, provider string, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	var body any
	switch provider {
	case "anthropic":
		kind := "invalid_request_error"
		switch {
		case status == http.StatusTooManyRequests:
			kind = "rate_limit_error"
		case status == 529:
			kind = "overloaded_error"
		case status >= 500:
			kind = "api_error"
		}
		body = map[string]any{"type": "error", "error": map[string]any{"type": kind, "message": msg}}
	case "gemini":
		st := "INVALID_ARGUMENT"
		switch {
		case status == http.StatusNotFound:
			st = "NOT_FOUND"
		case status == http.StatusTooManyRequests:
			st = "RESOURCE_EXHAUSTED"
		case status >= 500:
			st = "UNAVAILABLE"
		}
		body = map[string]any{"error": map[string]any{"code": status, "message": msg, "status": st}}
	default:
		kind := "invalid_request_error"
		switch {
		case status == http.StatusTooManyRequests:
			kind = "rate_limit_exceeded"
		case status >= 500:
			kind = "server_error"
		}
		body = map[string]any{"error": map[string]any{"message": msg, "type": kind}}
	}
	_ = json.NewEncoder(w).Encode(body)
}
