// Package geminitest is a fake Gemini API server speaking the REST API the
// genai SDK uses (POST /v1beta/models/{model}:generateContent and
// :batchEmbedContents), for tests that run the real client against it
// through HTTPOptions.BaseURL.
package geminitest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/kaizenhq/kaizen/analyzer/internal/tokencount"
)

// Reply is one scripted answer.
type Reply struct {
	// Status is the HTTP status (200 when zero).
	Status int
	// Header is added to the response (e.g. Retry-After).
	Header http.Header
	// Text is the model's answer text (Status 200) or the error message.
	Text string
	// PromptTokens and OutputTokens fill usageMetadata.
	PromptTokens, OutputTokens int32
	// CountPrompt replaces PromptTokens by the tokenizer's count of the
	// request's text (system instruction and contents) in o200k_base, an
	// offline approximation of Gemini's own tokenizer, so that the client
	// prices what it really sent.
	CountPrompt bool
	// Hang blocks until the client gives up.
	Hang bool
	// Delay holds the answer back this long (or until the client gives up).
	Delay time.Duration
}

// Request is one request the server received.
type Request struct {
	Path   string
	APIKey string
	Body   map[string]any
	Raw    []byte
	At     time.Time
}

// Server is a fake Gemini endpoint. Replies are served in order; the last
// one repeats when the script runs out.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []Reply
	choose   func(req Request, n int) Reply
	requests []Request
	embedder func(text string) []float32
	embeds   []Request
}

// New starts a server with the scripted replies, closed when t ends.
func New(t testing.TB, replies ...Reply) *Server {
	return start(t, &Server{replies: replies})
}

// NewFunc starts a server whose replies choose returns, given the request
// and its 0-based position among all requests received; it is called
// with the server's lock held, so it may keep state without its own. The
// server is closed when t ends.
func NewFunc(t testing.TB, choose func(req Request, n int) Reply) *Server {
	return start(t, &Server{choose: choose})
}

func start(t testing.TB, s *Server) *Server {
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// SetEmbedder makes batchEmbedContents answer with f's vectors (by
// default, BagOfWords); a nil vector makes the request fail with HTTP 500.
func (s *Server) SetEmbedder(f func(text string) []float32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embedder = f
}

// EmbedRequests returns the batchEmbedContents requests received so far
// (Requests holds the generateContent ones).
func (s *Server) EmbedRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.embeds...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := Request{Path: r.URL.Path, APIKey: r.Header.Get("x-goog-api-key"), Raw: raw, At: time.Now()}
	_ = json.Unmarshal(raw, &req.Body)
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, ":batchEmbedContents") {
		s.serveEmbed(w, req)
		return
	}
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, req)
	var rep Reply
	switch {
	case s.choose != nil:
		rep = s.choose(req, n)
	case len(s.replies) > 0:
		rep = s.replies[min(n, len(s.replies)-1)]
	}
	s.mu.Unlock()
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, ":generateContent") {
		writeError(w, http.StatusNotFound, "unexpected "+r.Method+" "+r.URL.Path)
		return
	}
	if rep.Hang {
		<-r.Context().Done()
		return
	}
	if rep.Delay > 0 {
		t := time.NewTimer(rep.Delay)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	for k, v := range rep.Header {
		w.Header()[k] = v
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		writeError(w, rep.Status, rep.Text)
		return
	}
	if rep.CountPrompt {
		rep.PromptTokens = int32(tokencount.Count(tokencount.O200k, requestText(req.Body)))
	}
	w.Header().Set("Content-Type", "application/json")
	model := strings.TrimSuffix(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], ":generateContent")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": rep.Text}}},
			"finishReason": "STOP",
		}},
		"usageMetadata": map[string]any{"promptTokenCount": rep.PromptTokens, "candidatesTokenCount": rep.OutputTokens,
			"totalTokenCount": rep.PromptTokens + rep.OutputTokens},
		"modelVersion": model,
	})
}

func (s *Server) serveEmbed(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	s.embeds = append(s.embeds, req)
	f := s.embedder
	s.mu.Unlock()
	if f == nil {
		f = BagOfWords
	}
	reqs, _ := req.Body["requests"].([]any)
	out := make([]any, 0, len(reqs))
	for _, r := range reqs {
		rm, _ := r.(map[string]any)
		var b strings.Builder
		addText(&b, rm["content"])
		v := f(b.String())
		if v == nil {
			writeError(w, http.StatusInternalServerError, "embedder declined the text")
			return
		}
		out = append(out, map[string]any{"values": v})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"embeddings": out})
}

// BagOfWords embeds text as counts of its lower-cased words hashed into 64
// dimensions: similar wording gives similar vectors, a paraphrase with other
// words does not (tests that need semantics supply their own embedder).
func BagOfWords(text string) []float32 {
	v := make([]float32, 64)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		h := fnv.New32a()
		_, _ = h.Write([]byte(w))
		v[h.Sum32()%64]++
	}
	return v
}

// addText appends the text parts of one Content object.
func addText(b *strings.Builder, content any) {
	c, _ := content.(map[string]any)
	parts, _ := c["parts"].([]any)
	for _, p := range parts {
		if pm, ok := p.(map[string]any); ok {
			if t, ok := pm["text"].(string); ok {
				b.WriteString(t)
				b.WriteByte('\n')
			}
		}
	}
}

// requestText joins the text parts of a generateContent body's system
// instruction and contents.
func requestText(body map[string]any) string {
	var b strings.Builder
	addText(&b, body["systemInstruction"])
	contents, _ := body["contents"].([]any)
	for _, c := range contents {
		addText(&b, c)
	}
	return b.String()
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": status, "message": msg, "status": strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))}})
}

// Findings renders a findings answer as the model would send it.
func Findings(findings ...map[string]any) string {
	b, err := json.Marshal(map[string]any{"findings": findings})
	if err != nil {
		panic(fmt.Sprintf("geminitest: %v", err)) // test data defect
	}
	return string(b)
}
