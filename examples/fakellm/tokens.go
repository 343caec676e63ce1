package fakellm

import (
	"strings"
	"sync"

	"github.com/tiktoken-go/tokenizer"
)

var (
	codecsMu sync.Mutex
	codecs   = map[tokenizer.Encoding]tokenizer.Codec{}
)

// Encoding returns the BPE vocabulary the fake bills model's text with:
// cl100k_base for gpt-4 and gpt-3.5 (their own), o200k_base for every other
// model (exact for gpt-4o and later; the same approximation the analyzer
// uses for providers that publish no offline tokenizer).
func Encoding(model string) tokenizer.Encoding {
	m := strings.ToLower(model)
	if (strings.HasPrefix(m, "gpt-4") && !strings.HasPrefix(m, "gpt-4o") && !strings.HasPrefix(m, "gpt-4.")) ||
		strings.HasPrefix(m, "gpt-3.5") {
		return tokenizer.Cl100kBase
	}
	return tokenizer.O200kBase
}

func codecFor(model string) tokenizer.Codec {
	enc := Encoding(model)
	codecsMu.Lock()
	defer codecsMu.Unlock()
	c, ok := codecs[enc]
	if !ok {
		var err error
		if c, err = tokenizer.Get(enc); err != nil {
			c, _ = tokenizer.Get(tokenizer.O200kBase) // both encodings above are embedded
		}
		codecs[enc] = c
	}
	return c
}

// Tokens returns the number of tokens of text for model, counted with the
// real tokenizer of Encoding(model).
func Tokens(model, text string) int64 {
	return int64(len(tokenIDs(model, text)))
}

// tokenIDs encodes text; text the tokenizer rejects (it does not in its
// default mode) is billed one token per 4 bytes so usage is never lost.
func tokenIDs(model, text string) []uint {
	if text == "" {
		return nil
	}
	ids, _, err := codecFor(model).Encode(text)
	if err != nil {
		return make([]uint, (len(text)+3)/4)
	}
	return ids
}
