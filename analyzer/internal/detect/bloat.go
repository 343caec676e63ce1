package detect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// Reflection thresholds: a block is reflected in (used by) the output when
// they share at least minSharedShingles word 3-shingles, or at least
// max(minSharedWords, sharedWordShare × |output words|) distinctive words
// (content words of the output that are not in the request, and that no
// other block of the prompt contains).
const (
	minSharedShingles = 2
	minSharedWords    = 3
	sharedWordShare   = 0.1
	// instructionShare: a system block whose words are at least this share
	// of imperative/second-person markers is instructions, not context.
	instructionShare = 0.03
)

// detectBloat reports context blocks never reflected in the output: large
// documents the answer does not use, earlier turns of a conversation
// re-sent on every turn though no longer used, and the same large block
// pasted into several agents' prompts. Calls with the same unused blocks
// form one finding; RemovableTokens is the smallest per-call estimate of
// the unused blocks' tokens (proportional share, see package doc).
func detectBloat(s *state) []run.Finding {
	type group struct {
		calls     []*callInfo
		blocks    []block
		removable int64
	}
	groups := map[uint64]*group{}
	var order []uint64
	for _, ci := range s.calls {
		unused := s.unusedBlocks(ci)
		if len(unused) == 0 {
			continue
		}
		d := xxhash.New()
		bytes := 0
		for _, b := range unused {
			_, _ = fmt.Fprintf(d, "%x,", b.hash)
			bytes += len(b.text)
		}
		tokens := ci.tokensFor(bytes)
		if tokens < s.cfg.minBlockTokens {
			continue
		}
		k := d.Sum64()
		g, ok := groups[k]
		if !ok {
			g = &group{blocks: unused, removable: tokens}
			groups[k] = g
			order = append(order, k)
		}
		g.calls = append(g.calls, ci)
		g.removable = min(g.removable, tokens)
	}
	out := make([]run.Finding, 0, len(order))
	for _, k := range order {
		g := groups[k]
		out = append(out, bloatFinding(g.calls, g.blocks, g.removable))
	}
	return out
}

// unusedBlocks returns the candidate blocks of a call that its output does
// not reflect. Candidates are blocks of at least half the minimum size
// (estimated tokens), except the final input part (the request itself)
// and system blocks that read as instructions. Calls without recorded
// output are not judged.
func (s *state) unusedBlocks(ci *callInfo) []block {
	if !ci.hasContent || strings.TrimSpace(ci.output) == "" || ci.c.Failed() {
		return nil
	}
	// Words and shingles the output shares with the request itself say
	// nothing about the context blocks.
	last := ci.blocks[len(ci.blocks)-1].feat
	outWords := difference(ci.outWords, last.words)
	outSh := difference(ci.outSh, ci.lastSh)
	// Words that several blocks share (boilerplate, common vocabulary) do
	// not show which block the answer used: count only each block's own.
	seen := map[uint64]int{}
	for _, b := range ci.blocks {
		for _, w := range b.feat.words {
			seen[w]++
		}
	}
	var unused []block
	for i, b := range ci.blocks {
		if i == len(ci.blocks)-1 || ci.tokensFor(len(b.text))*2 < s.cfg.minBlockTokens {
			continue
		}
		if b.system && isInstructions(b.feat) {
			continue
		}
		if !reflected(b.feat, seen, outSh, outWords) {
			unused = append(unused, b)
		}
	}
	return unused
}

// reflected reports whether the output reflects a block: they share
// minSharedShingles word 3-shingles, or enough of the block's own
// distinctive words (see the thresholds above).
func reflected(f features, seen map[uint64]int, outSh, outWords []uint64) bool {
	if intersect(f.shingles, outSh) >= minSharedShingles {
		return true
	}
	shared, j := 0, 0
	for _, w := range f.words {
		for j < len(outWords) && outWords[j] < w {
			j++
		}
		if j < len(outWords) && outWords[j] == w && seen[w] == 1 {
			shared++
		}
	}
	return shared >= max(minSharedWords, int(sharedWordShare*float64(len(outWords))))
}

// difference returns the elements of sorted set a not in sorted set b.
func difference(a, b []uint64) []uint64 {
	out := make([]uint64, 0, len(a))
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			out = append(out, x)
		}
	}
	return out
}

// stopwords are frequent words that carry no topic.
var stopwords = map[string]bool{
	"this": true, "that": true, "with": true, "from": true, "have": true, "will": true, "your": true,
	"they": true, "their": true, "there": true, "which": true, "what": true, "when": true, "were": true,
	"been": true, "into": true, "than": true, "then": true, "them": true, "these": true, "those": true,
	"also": true, "about": true, "would": true, "could": true, "should": true, "each": true, "other": true,
	"some": true, "more": true, "most": true, "only": true, "over": true, "such": true, "very": true,
	"just": true, "here": true, "does": true, "make": true, "like": true, "please": true, "answer": true,
}

// instructionMarkers are words typical of instructions to a model.
var instructionMarkers = map[string]bool{
	"you": true, "your": true, "always": true, "never": true, "must": true, "should": true,
	"do": true, "not": true, "ensure": true, "respond": true, "reply": true,
}

// isInstructions reports whether a block reads as instructions (second
// person, imperative) rather than reference data.
func isInstructions(f features) bool {
	return f.wordCount > 0 && float64(f.markers) >= instructionShare*float64(f.wordCount)
}

func bloatFinding(calls []*callInfo, blocks []block, removable int64) run.Finding {
	ns := numbers(calls)
	agents := map[string]bool{}
	for _, ci := range calls {
		agents[agentName(ci.c)] = true
	}
	history := false
	first := calls[0]
	for _, b := range blocks {
		if !b.system && b.msg < len(first.msgs)-1 {
			history = true
		}
	}
	what := fmt.Sprintf("%s (%q)", plural(len(blocks), "context block"), preview(blocks[0].text, 60))
	subject := callsSubject(ns)
	expl := fmt.Sprintf("%s %s of about %d tokens that the answer never uses.", subject, what, removable)
	rec := "Drop the unused context, or retrieve only the passages the task needs."
	switch {
	case len(agents) > 1:
		names := make([]string, 0, len(agents))
		for a := range agents {
			names = append(names, a)
		}
		slices.Sort(names)
		expl = fmt.Sprintf("The same %s of about %d tokens is pasted into the prompts of agents %s (calls %s) and none of their answers uses it.",
			what, removable, strings.Join(names, ", "), callList(ns))
		rec = "Stop broadcasting this block to every agent: give it only to the agent that needs it."
	case history:
		expl = fmt.Sprintf("%s the conversation history on every turn, including %s of about %d tokens that no later answer uses.",
			strings.Replace(subject, "send", "re-send", 1), what, removable)
		rec = "Trim or summarize old turns (keep the last exchange and the facts still needed) instead of re-sending the whole history."
	}
	return run.Finding{
		Confidence:      0.75,
		Calls:           ns,
		RemovableTokens: removable,
		Title:           fmt.Sprintf("%s ~%d tokens the answer never uses", subject, removable),
		Explanation:     expl,
		Recommendation:  rec,
	}
}
