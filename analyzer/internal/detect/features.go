package detect

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// block is one context block of a prompt: a segment (see Segments) of a
// system part or of a message part.
type block struct {
	text   string
	hash   uint64 // xxhash of the canonical text
	system bool   // part of the system instructions
	msg    int    // index of the message (-1 for system parts)
	part   int    // index of the part in its message (or system part)
	kind   string // Segment kind, KindTool for a tool result
	// request marks the instruction/question of the final message: never
	// removable, and what the output shares with it says nothing about
	// the context.
	request bool
	// instructions marks the segments of a system part that reads as
	// instructions as a whole: never removable.
	instructions bool
	// answer marks blocks of earlier assistant messages, which repeat
	// what they used of the context.
	answer bool
	feat   features
}

// callInfo holds what the detectors need about one call, computed once.
type callInfo struct {
	c *run.Call
	// hasContent is true when the input content was recorded.
	hasContent bool
	// parseErr is set when the content was malformed (it is then used as
	// plain text).
	parseErr error
	system   []string
	msgs     []Message
	output   string
	// promptHash and simHash are the processor's fingerprints, or
	// recomputed from content when absent.
	promptHash, simHash uint64
	// promptBytes is the byte length of all prompt text (system + parts).
	promptBytes int
	// sysHash is, per system part, the hash of its canonical segments.
	sysHash []uint64
	// promptTokens is the tokenizer's count of all prompt text (-1 until
	// computed, see state.tokens).
	promptTokens int64
	// last is the final part of the final input message (the request).
	last string
	// qSh, lastSh and outSh are sorted distinct word-shingle hashes of the
	// non-system blocks, the final part and the output.
	qSh, lastSh, outSh []uint64
	// outWords are the output's content-word hashes.
	outWords []uint64
	blocks   []block
	// prefix is the byte-exact stable prefix (system text and every message
	// before the last user message); canonPrefix hashes its canonical form.
	prefix      string
	canonPrefix uint64
}

// analyze builds callInfo for every call of r, on up to GOMAXPROCS
// goroutines (each call is independent, so the result is deterministic).
func analyze(r *run.Run) []*callInfo {
	out := make([]*callInfo, len(r.Calls))
	workers := min(runtime.GOMAXPROCS(0), len(r.Calls)/64+1)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := w; i < len(r.Calls); i += workers {
				out[i] = newCallInfo(r.Calls[i])
			}
		})
	}
	wg.Wait()
	return out
}

func newCallInfo(c *run.Call) *callInfo {
	ci := &callInfo{c: c}
	sys, err1 := ParseSystem(c.SystemInstructions)
	msgs, err2 := ParseMessages(c.InputMessages)
	outMsgs, _ := ParseMessages(c.OutputMessages)
	if err1 != nil {
		ci.parseErr = err1
	} else if err2 != nil {
		ci.parseErr = err2
	}
	// Leading system/developer messages count as system instructions.
	for len(msgs) > 0 && (msgs[0].Role == "system" || msgs[0].Role == "developer") {
		sys = append(sys, msgs[0].Parts...)
		msgs = msgs[1:]
	}
	ci.system, ci.msgs = sys, msgs
	ci.hasContent = len(sys) > 0 || len(msgs) > 0
	var ob strings.Builder
	for _, m := range outMsgs {
		ob.WriteString(m.Text())
		ob.WriteByte('\n')
	}
	ci.output = ob.String()

	if n := len(msgs); n > 0 && len(msgs[n-1].Parts) > 0 {
		ci.last = msgs[n-1].Parts[len(msgs[n-1].Parts)-1]
	}
	for p, s := range sys {
		ci.promptBytes += len(s)
		first := len(ci.blocks)
		ci.blocks = appendBlocks(ci.blocks, s, "system", -1, p)
		hs := make([]uint64, 0, len(ci.blocks)-first)
		var words, markers int
		for _, b := range ci.blocks[first:] {
			hs = append(hs, b.hash)
			words += b.feat.wordCount
			markers += b.feat.markers
		}
		// A system part that reads as instructions as a whole (a role
		// prompt with its handbook) is kept whole: its reference text is
		// part of the agent's instructions.
		if words > 0 && float64(markers) >= instructionShare*float64(words) {
			for i := first; i < len(ci.blocks); i++ {
				ci.blocks[i].instructions = true
			}
		}
		ci.sysHash = append(ci.sysHash, mix(hs))
	}
	lastStart := len(ci.blocks)
	for i, m := range msgs {
		if i == len(msgs)-1 {
			lastStart = len(ci.blocks)
		}
		for p, text := range m.Parts {
			ci.promptBytes += len(text)
			ci.blocks = appendBlocks(ci.blocks, text, m.Role, i, p)
		}
	}
	markRequest(ci.blocks[lastStart:])
	ci.promptTokens = -1
	ci.prefix = stablePrefix(sys, msgs)
	if ci.prefix != "" {
		ci.canonPrefix = fingerprint.Hash(ci.prefix)
	}
	ci.promptHash, ci.simHash = fingerprints(c, sys, msgs, ci.hasContent)
	var qs, ls [][]uint64
	lastPart := -1
	if n := len(msgs); n > 0 {
		lastPart = len(msgs[n-1].Parts) - 1
	}
	for _, b := range ci.blocks {
		if !b.system {
			qs = append(qs, b.feat.shingles)
			if b.msg == len(msgs)-1 && b.part == lastPart {
				ls = append(ls, b.feat.shingles)
			}
		}
	}
	ci.qSh = union(qs)
	ci.lastSh = union(ls)
	out := textFeatures(ci.output)
	ci.outSh, ci.outWords = out.shingles, out.words
	return ci
}

// appendBlocks appends the segments of one part as blocks. A tool result
// is one block: it is what a conversation re-sends.
func appendBlocks(dst []block, text, role string, msg, part int) []block {
	system := msg < 0
	if role == "tool" {
		f := textFeatures(text)
		return append(dst, block{text: text, hash: f.hash, system: system, msg: msg, part: part, kind: KindTool, feat: f})
	}
	for _, sg := range Segments(text) {
		t := text[sg.Start:sg.End]
		f := textFeatures(t)
		dst = append(dst, block{text: t, hash: f.hash, system: system, msg: msg, part: part, kind: sg.Kind, feat: f, answer: role == "assistant"})
	}
	return dst
}

// markRequest marks the instruction/question blocks of the final message:
// its last block, and every prose paragraph of it that asks something or
// reads as instructions. Data blocks (tables, JSON, code, documents,
// tool results) and prose that does neither stay candidates.
func markRequest(final []block) {
	for i := range final {
		b := &final[i]
		if i == len(final)-1 || b.kind == KindParagraph && (strings.Contains(b.text, "?") || isInstructions(b.feat)) {
			b.request = true
		}
	}
}

// fingerprints returns the processor's prompt hash and SimHash when present,
// else recomputes them from content with the processor's algorithm.
func fingerprints(c *run.Call, sys []string, msgs []Message, hasContent bool) (uint64, uint64) {
	ph, err := fingerprint.ParseHex(c.PromptHash)
	if err == nil && ph != 0 && c.PromptSimHash != 0 {
		return ph, c.PromptSimHash
	}
	if !hasContent {
		return ph, c.PromptSimHash
	}
	fm := make([]genai.Message, len(msgs))
	for i, m := range msgs {
		fm[i] = genai.Message{Role: m.Role, Parts: []genai.Part{{Type: "text", Content: m.Text()}}}
	}
	set := fingerprint.Compute(strings.Join(sys, "\n"), fm)
	return set.Prompt, set.SimHash
}

// stablePrefix returns the system text and every message before the last
// user message: the part of the prompt a provider cache could reuse.
func stablePrefix(sys []string, msgs []Message) string {
	lastUser := -1
	for i, m := range msgs {
		if m.Role == "user" {
			lastUser = i
		}
	}
	var b strings.Builder
	for _, s := range sys {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	for _, m := range msgs[:max(lastUser, 0)] {
		b.WriteString(m.Role)
		b.WriteString(": ")
		b.WriteString(m.Text())
		b.WriteByte('\n')
	}
	return b.String()
}

// tokensFor estimates the input tokens of n bytes of c's prompt as the
// proportional share of the call's reported input tokens (see package doc).
func (ci *callInfo) tokensFor(n int) int64 {
	if n <= 0 {
		return 0
	}
	in := ci.c.Usage.InputTokens
	if in <= 0 || ci.promptBytes <= 0 {
		return int64(n / 4)
	}
	if n >= ci.promptBytes {
		return in
	}
	return in * int64(n) / int64(ci.promptBytes)
}

// shingleSize is the number of words per content shingle.
const shingleSize = 3

// features are what detectors compare of a text, computed in one pass over
// its canonical form (fingerprint.Canonical).
type features struct {
	// hash is fingerprint.Hash of the text.
	hash uint64
	// shingles are the sorted distinct hashes of the word 3-shingles (a
	// shorter text gives one shingle of all its words).
	shingles []uint64
	// words are the sorted distinct hashes of the content words: words of
	// at least 4 bytes, or containing a digit, that are not stopwords.
	words []uint64
	// wordCount is the number of words; markers the number of
	// instruction-marker words among them.
	wordCount, markers int
}

func textFeatures(text string) features {
	c := fingerprint.Canonical(text)
	f := features{hash: fingerprint.HashRaw(c)}
	words := wordsOf(c)
	f.wordCount = len(words)
	if len(words) == 0 {
		return f
	}
	hs := make([]uint64, len(words))
	for i, w := range words {
		hs[i] = xxhash.Sum64String(w)
		if instructionMarkers[w] {
			f.markers++
		}
		if (len(w) >= 4 || strings.ContainsAny(w, "0123456789")) && !stopwords[w] {
			f.words = append(f.words, hs[i])
		}
	}
	if len(hs) < shingleSize {
		f.shingles = []uint64{mix(hs)}
	} else {
		f.shingles = make([]uint64, 0, len(hs)-shingleSize+1)
		for i := 0; i+shingleSize <= len(hs); i++ {
			f.shingles = append(f.shingles, mix(hs[i:i+shingleSize]))
		}
	}
	return f.sorted()
}

func (f features) sorted() features {
	slices.Sort(f.shingles)
	f.shingles = slices.Compact(f.shingles)
	slices.Sort(f.words)
	f.words = slices.Compact(f.words)
	return f
}

// mix combines word hashes order-sensitively into a shingle hash.
func mix(ws []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, w := range ws {
		h = (h ^ w) * 0x100000001B3
		h ^= h >> 29
	}
	return h
}

// union returns the sorted distinct union of sorted sets.
func union(sets [][]uint64) []uint64 {
	if len(sets) == 0 {
		return nil
	}
	if len(sets) == 1 {
		return sets[0]
	}
	var out []uint64
	for _, s := range sets {
		out = append(out, s...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// wordsOf splits canonical text into words: runs of letters, digits,
// placeholder brackets and non-ASCII bytes.
func wordsOf(c string) []string {
	return strings.FieldsFunc(c, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '<' || r == '>' || r >= 0x80)
	})
}

// jaccard returns |a∩b| / |a∪b| of two sorted distinct sets (1 when both
// are empty).
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := intersect(a, b)
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// intersect counts the common elements of two sorted distinct sets.
func intersect(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}
