package llmcall

import (
	"slices"
	"strings"
)

// Codec parses the request and response bodies of one API family.
type Codec interface {
	// ParseRequest fills req from the JSON request body; content is decoded
	// only when capture is set.
	ParseRequest(body []byte, req *Request, capture bool) error
	// ParseResponse parses a complete (non-streamed) JSON response body.
	ParseResponse(body []byte, capture bool) (*Response, error)
	// NewStream returns the accumulator of one streamed (SSE) response whose
	// recorded texts are bounded by limit bytes each.
	NewStream(capture bool, limit int) Stream
}

// RequestRewriter is implemented by codecs that may amend the request body
// (OpenAI stream_options.include_usage).
type RequestRewriter interface {
	// RewriteRequest returns the amended body, or nil to keep it as is.
	RewriteRequest(body []byte) []byte
}

// Stream folds the events of one streamed response.
type Stream interface {
	// Event handles one SSE event; name is its "event:" field (often empty).
	Event(name string, data []byte) error
	// Done reports whether the stream's completion was seen.
	Done() bool
	// Response returns what was accumulated so far.
	Response() *Response
	// Failure returns the error the provider reported inside the stream.
	Failure() error
}

// NoStream is the Stream of APIs without streaming: they never get an SSE
// body, and one that does is reported instead of misread.
type NoStream struct{ events int }

// Event reports the first event as an unexpected stream.
func (s *NoStream) Event(string, []byte) error {
	s.events++
	if s.events == 1 {
		return &Error{Type: ErrorTypeInvalidResponse, Message: "unexpected event stream for a non-streaming API"}
	}
	return nil
}

// Done reports true: there is no completion event to wait for.
func (s *NoStream) Done() bool { return true }

// Failure returns nil.
func (s *NoStream) Failure() error { return nil }

// Response returns an empty response.
func (s *NoStream) Response() *Response { return &Response{} }

// TextBuilder accumulates streamed text up to Limit bytes, counting what it
// had to drop so that the recorded text ends with an explicit truncation
// marker.
type TextBuilder struct {
	b       strings.Builder
	Limit   int
	dropped int
}

// Add appends s, or as much of it as fits.
func (t *TextBuilder) Add(s string) {
	room := t.Limit - t.b.Len()
	if len(s) <= room {
		t.b.WriteString(s)
		return
	}
	if room > 0 {
		cut := RuneCut(s, room)
		t.b.WriteString(s[:cut])
		s = s[cut:]
	}
	t.dropped += len(s)
}

// String returns the text, with the truncation marker when some was dropped.
func (t *TextBuilder) String() string {
	if t.dropped > 0 {
		return t.b.String() + TruncationMarker(t.dropped)
	}
	return t.b.String()
}

// Empty reports whether nothing was added.
func (t *TextBuilder) Empty() bool { return t.b.Len() == 0 && t.dropped == 0 }

// AppendStreamText appends the reasoning and the text accumulated for one
// streamed output message, each when present, in that order.
func AppendStreamText(parts []Part, reasoning, text *TextBuilder) []Part {
	if !reasoning.Empty() {
		parts = append(parts, Part{Type: "reasoning", Content: reasoning.String()})
	}
	if !text.Empty() {
		parts = append(parts, TextPart(text.String()))
	}
	return parts
}

// OutputFinishReason maps a provider finish reason to the semconv
// finish_reason of an output message (stop, length, content_filter,
// tool_call, error); unknown reasons are kept, lower-cased.
func OutputFinishReason(reason string) string {
	reason = strings.ToLower(reason)
	switch reason {
	case "":
		return ""
	case "stop", "end_turn", "stop_sequence", "completed", "finish_reason_unspecified":
		return "stop"
	case "length", "max_tokens", "max_output_tokens", "model_context_window_exceeded":
		return "length"
	case "tool_calls", "function_call", "tool_use", "tool_call":
		return "tool_call"
	case "content_filter", "refusal", "safety", "recitation", "blocklist", "prohibited_content", "spii", "image_safety":
		return "content_filter"
	case "malformed_function_call", "error", "failed", "other":
		return "error"
	}
	return reason
}

// SortedKeys returns the keys of m (the choice, candidate or block indexes of
// a stream) in increasing order; unlike slices.Sorted(maps.Keys(m)) it sizes
// the slice once and allocates no iterator.
func SortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
