package detect

import (
	"github.com/cespare/xxhash/v2"
	"github.com/kaizenhq/kaizen/analyzer/internal/tokencount"
)

// tokenMemo caches tokenizer counts by encoding and raw text hash: the
// same history, document or system prompt recurs in many calls of a run.
type tokenMemo map[tokenKey]int64

type tokenKey struct {
	enc  tokencount.Encoding
	hash uint64
}

func (m tokenMemo) count(enc tokencount.Encoding, text string) int64 {
	k := tokenKey{enc, xxhash.Sum64String(text)}
	n, ok := m[k]
	if !ok {
		n = tokencount.Count(enc, text)
		m[k] = n
	}
	return n
}

// tokens returns the input tokens of text, a piece of ci's prompt: the
// tokenizer's count for the call's model (tokencount.EncodingFor), scaled
// to the call's reported input tokens by the count of the whole prompt
// (tokencount.Scale). The whole prompt is tokenized once per call, and
// only for calls a detector asks about.
func (s *state) tokens(ci *callInfo, text string) int64 {
	if text == "" {
		return 0
	}
	enc, _ := tokencount.EncodingFor(ci.c.Provider, ci.c.Model())
	if ci.promptTokens < 0 {
		var total int64
		for _, p := range ci.system {
			total += s.memo.count(enc, p)
		}
		for _, m := range ci.msgs {
			for _, p := range m.Parts {
				total += s.memo.count(enc, p)
			}
		}
		ci.promptTokens = total
	}
	return tokencount.Scale(s.memo.count(enc, text), ci.promptTokens, ci.c.Usage.InputTokens)
}
