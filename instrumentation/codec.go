package instrumentation

import (
	"encoding/json"
	"slices"
	"strings"
)

// codec parses the request and response bodies of one API family.
type codec interface {
	// parseRequest fills req from the JSON request body; content is decoded
	// only when capture is set.
	parseRequest(body []byte, req *Request, capture bool) error
	// parseResponse parses a complete (non-streamed) JSON response body.
	parseResponse(body []byte, capture bool) (*Response, error)
	// newStream returns the accumulator of one streamed (SSE) response.
	newStream(capture bool, limit int) streamAccumulator
}

// requestRewriter is implemented by codecs that may amend the request body
// (OpenAI stream_options.include_usage).
type requestRewriter interface {
	// rewriteRequest returns the amended body, or nil to keep it as is.
	rewriteRequest(body []byte, cfg *config) []byte
}

// streamAccumulator folds the events of one streamed response.
type streamAccumulator interface {
	// event handles one SSE event; name is its "event:" field (often empty).
	event(name string, data []byte) error
	// done reports whether the stream's completion was seen.
	done() bool
	// response returns what was accumulated so far.
	response() *Response
	// failure returns the error the provider reported inside the stream.
	failure() error
}

// decode unmarshals a JSON body with a clear error.
func decode(body []byte, v any, what string) error {
	if err := json.Unmarshal(body, v); err != nil {
		return &kindError{kind: ErrorTypeInvalidResponse, msg: "decode " + what + ": " + err.Error()}
	}
	return nil
}

// textBuilder accumulates streamed text up to a bound, counting what it had to
// drop so that the recorded text ends with an explicit truncation marker.
type textBuilder struct {
	b       strings.Builder
	limit   int
	dropped int
}

func (t *textBuilder) add(s string) {
	room := t.limit - t.b.Len()
	if len(s) <= room {
		t.b.WriteString(s)
		return
	}
	if room > 0 {
		cut := runeCut(s, room)
		t.b.WriteString(s[:cut])
		s = s[cut:]
	}
	t.dropped += len(s)
}

func (t *textBuilder) String() string {
	if t.dropped > 0 {
		return t.b.String() + truncMarker(t.dropped)
	}
	return t.b.String()
}

func (t *textBuilder) empty() bool { return t.b.Len() == 0 && t.dropped == 0 }

// appendStreamText appends the reasoning and the text accumulated for one
// streamed output message, each when present, in that order.
func appendStreamText(parts []Part, reasoning, text *textBuilder) []Part {
	if !reasoning.empty() {
		parts = append(parts, Part{Type: "reasoning", Content: reasoning.String()})
	}
	if !text.empty() {
		parts = append(parts, TextPart(text.String()))
	}
	return parts
}

// outputFinishReason maps a provider finish reason to the semconv
// finish_reason of an output message (stop, length, content_filter,
// tool_call, error); unknown reasons are kept, lower-cased.
func outputFinishReason(reason string) string {
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

// sortedKeys returns the keys of m (the choice, candidate or block indexes of
// a stream) in increasing order. Unlike slices.Sorted(maps.Keys(m)), it
// sizes the slice once and allocates no iterator (BenchmarkStream200).
func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
