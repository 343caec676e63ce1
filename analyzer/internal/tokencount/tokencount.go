package tokencount

import (
	"strings"
	"sync"

	"github.com/tiktoken-go/tokenizer"
)

// Encoding names a BPE vocabulary.
type Encoding string

// The encodings Count uses.
const (
	O200k  Encoding = Encoding(tokenizer.O200kBase)
	Cl100k Encoding = Encoding(tokenizer.Cl100kBase)
)

// EncodingFor returns the encoding that counts provider/model's tokens and
// whether it is exact (the model's own tokenizer) or an approximation.
func EncodingFor(provider, model string) (Encoding, bool) {
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:] // "openai/gpt-4o" from routers
	}
	openai := provider == "openai" || provider == "azure.ai.openai" || provider == "azure"
	switch {
	case hasAny(m, "gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "chatgpt-4o", "gpt-oss", "o1", "o3", "o4") && isOpenAIName(m):
		return O200k, true
	case hasAny(m, "gpt-4", "gpt-3.5", "gpt-35", "text-embedding-ada-002", "text-embedding-3"):
		return Cl100k, true
	case openai:
		return O200k, false // an unknown OpenAI model: its newest encoding
	}
	return O200k, false
}

// isOpenAIName reports whether m is an OpenAI model name (so "o3" inside
// another vendor's name does not count).
func isOpenAIName(m string) bool {
	for _, p := range []string{"gpt-", "chatgpt-", "o1", "o3", "o4"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

func hasAny(m string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

var (
	codecsMu sync.Mutex
	codecs   = map[Encoding]tokenizer.Codec{}
)

// codec returns the shared codec of enc (built once; a codec is safe for
// concurrent use: read-only vocabulary, regexp2 matchers are per call).
func codec(enc Encoding) tokenizer.Codec {
	codecsMu.Lock()
	defer codecsMu.Unlock()
	c, ok := codecs[enc]
	if !ok {
		var err error
		c, err = tokenizer.Get(tokenizer.Encoding(enc))
		if err != nil {
			c, _ = tokenizer.Get(tokenizer.O200kBase) // the constants above are all supported
		}
		codecs[enc] = c
	}
	return c
}

// Count returns the number of tokens of text in enc. Text the tokenizer
// cannot split (it never fails on valid or invalid UTF-8 in its default
// mode) falls back to one token per 4 bytes, so a count is never lost.
func Count(enc Encoding, text string) int64 {
	if text == "" {
		return 0
	}
	n, err := codec(enc).Count(text)
	if err != nil {
		return int64(len(text)+3) / 4
	}
	return int64(n)
}

// Scale converts part, a token count of some text of a call's prompt, to
// the call's own accounting: part × reported / counted, where counted is
// the tokenizer's count of the whole prompt and reported the input tokens
// the provider billed (which include message framing, and for non-OpenAI
// models differ systematically from the approximation). Without a
// reported count, or when counted is 0, part is returned unchanged; the
// result never exceeds reported.
func Scale(part, counted, reported int64) int64 {
	if part <= 0 {
		return 0
	}
	if reported <= 0 || counted <= 0 {
		return part
	}
	if part >= counted {
		return reported
	}
	// part < counted ≤ 10^12 keeps the product far below 2^63 only for
	// realistic sizes; go through float for the rare huge ones.
	if reported < 1<<31 && part < 1<<31 {
		return part * reported / counted
	}
	return int64(float64(part) * float64(reported) / float64(counted))
}
