package instrumentation

import (
	"slices"
	"strconv"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// Message is one message of gen_ai.input.messages or gen_ai.output.messages in
// the semantic-convention JSON structure.
type Message = llmcall.Message

// Part is one part of a [Message] or of gen_ai.system_instructions. Type is
// one of "text", "reasoning", "tool_call", "tool_call_response", "blob",
// "uri", "file" or a provider-specific type.
type Part = llmcall.Part

// TextPart returns a "text" part.
func TextPart(text string) Part { return llmcall.TextPart(text) }

// ToolCallPart returns a "tool_call" part; arguments is JSON (anything else is
// recorded as a JSON string).
func ToolCallPart(id, name string, arguments []byte) Part {
	return llmcall.ToolCallPart(id, name, arguments)
}

// ToolResponsePart returns a "tool_call_response" part; response is JSON
// (anything else is recorded as a JSON string).
func ToolResponsePart(id string, response []byte) Part {
	return llmcall.ToolResponsePart(id, response)
}

// cloneRequest copies req's prompt, which is encoded only when the call
// ends, so that the caller may reuse its slices meanwhile.
func cloneRequest(req Request) *llmcall.Request {
	req.SystemInstructions = slices.Clone(req.SystemInstructions)
	req.InputMessages = slices.Clone(req.InputMessages)
	for i := range req.InputMessages {
		req.InputMessages[i].Parts = slices.Clone(req.InputMessages[i].Parts)
	}
	return &req
}

// capPart returns p with its text and JSON payloads shortened to limit bytes.
func capPart(p llmcall.Part, limit int) llmcall.Part {
	p.Content = llmcall.Truncate(p.Content, limit)
	if len(p.Arguments) > limit {
		p.Arguments = llmcall.JSONString(llmcall.Truncate(string(p.Arguments), limit))
	}
	if len(p.Response) > limit {
		p.Response = llmcall.JSONString(llmcall.Truncate(string(p.Response), limit))
	}
	return p
}

func capParts(parts []llmcall.Part, limit int) []llmcall.Part {
	out := make([]llmcall.Part, len(parts))
	for i, p := range parts {
		out[i] = capPart(p, limit)
	}
	return out
}

func capMessages(msgs []llmcall.Message, limit int) []llmcall.Message {
	out := make([]llmcall.Message, len(msgs))
	for i, m := range msgs {
		m.Parts = capParts(m.Parts, limit)
		out[i] = m
	}
	return out
}

// encodeBounded encodes parts or messages (the only two shapes of content
// attributes) as JSON of at most limit bytes. When the full encoding is too
// large, every string is cut to the largest common length that fits, with a
// marker at each cut; if even that is too large, the oldest elements are
// dropped and replaced by one marker element. The result is always valid
// JSON. truncated reports whether anything was cut.
func encodeBounded[T llmcall.Part | llmcall.Message](items []T, limit int, capFn func([]T, int) []T, marker func(int) T) (string, bool, error) {
	full, err := llmcall.EncodeJSON(items)
	if err != nil {
		return "", false, err
	}
	if len(full) <= limit {
		return full, false, nil
	}
	// Largest per-string cap that fits, by binary search.
	lo, hi := -1, limit
	best := ""
	for lo < hi-1 {
		mid := (lo + hi) / 2
		enc, err := llmcall.EncodeJSON(capFn(items, mid))
		if err != nil {
			return "", false, err
		}
		if len(enc) <= limit {
			lo, best = mid, enc
		} else {
			hi = mid
		}
	}
	if best != "" {
		return best, true, nil
	}
	// Too many elements even with empty strings: keep the newest ones.
	capped := capFn(items, 0)
	for drop := 1; drop <= len(capped); drop *= 2 {
		kept := append([]T{marker(drop)}, capped[drop:]...)
		enc, err := llmcall.EncodeJSON(kept)
		if err != nil {
			return "", false, err
		}
		if len(enc) <= limit {
			return enc, true, nil
		}
	}
	enc, err := llmcall.EncodeJSON([]T{marker(len(items))})
	return enc, true, err
}

func droppedText(n int) string {
	return "…[truncated " + strconv.Itoa(n) + " earlier elements]"
}

// encodeParts encodes system instructions within limit bytes.
func encodeParts(parts []llmcall.Part, limit int) (string, bool, error) {
	return encodeBounded(parts, limit, capParts, func(n int) llmcall.Part { return llmcall.TextPart(droppedText(n)) })
}

// encodeMessages encodes input or output messages within limit bytes.
func encodeMessages(msgs []llmcall.Message, limit int) (string, bool, error) {
	return encodeBounded(msgs, limit, capMessages, func(n int) llmcall.Message {
		return llmcall.Message{Role: "truncated", Parts: []llmcall.Part{llmcall.TextPart(droppedText(n))}}
	})
}
