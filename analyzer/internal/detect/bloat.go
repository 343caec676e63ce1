package detect

import (
	"fmt"
	"slices"
	"strings"

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
	// runFloor: a run of unused blocks counts toward a call's removable
	// tokens from 1/runFloor of the minimum size (50 tokens by default), so
	// unused passages between used ones add up while stray fragments do
	// not; the call's total must still reach the minimum.
	runFloor = 8
	// instructionShare: a system block whose words are at least this share
	// of imperative/second-person markers is instructions, not context.
	instructionShare = 0.03
)

// detectBloat reports context blocks never reflected in the output: large
// documents, tables, retrieved passages or tool results the answer does
// not use — inside the request message too — earlier turns of a
// conversation re-sent on every turn though no longer used, and the same
// large block pasted into several agents' prompts. Calls with the same
// unused blocks form one finding; RemovableTokens is the smallest per-call
// token count of the unused blocks (tokenizer counts, see tokens).
func detectBloat(s *state) []run.Finding {
	type group struct {
		calls     []*callInfo
		runs      []unusedRun
		removable int64
	}
	groups := map[uint64]*group{}
	var order []uint64
	for _, ci := range s.calls {
		runs := s.unusedBlocks(ci)
		if len(runs) == 0 {
			continue
		}
		hs := make([]uint64, 0, len(runs))
		var tokens int64
		for _, r := range runs {
			hs = append(hs, r.hash)
			tokens += r.tokens
		}
		if tokens < s.cfg.minBlockTokens {
			continue
		}
		k := mix(hs)
		g, ok := groups[k]
		if !ok {
			g = &group{runs: runs, removable: tokens}
			groups[k] = g
			order = append(order, k)
		}
		g.calls = append(g.calls, ci)
		g.removable = min(g.removable, tokens)
	}
	out := make([]run.Finding, 0, len(order))
	for _, k := range order {
		g := groups[k]
		out = append(out, bloatFinding(g.calls, g.runs, g.removable))
	}
	return out
}

// unusedRun is a run of adjacent blocks of one part that the output does
// not reflect: they can be dropped together.
type unusedRun struct {
	blocks []block
	hash   uint64
	tokens int64
}

// unusedBlocks returns the runs of unused candidate blocks of a call that
// reach half the minimum size (tokenizer count). Every block is a
// candidate except the request's instruction/question blocks (see
// markRequest) and system blocks that read as instructions. Calls without
// recorded output are not judged.
func (s *state) unusedBlocks(ci *callInfo) []unusedRun {
	if !ci.hasContent || strings.TrimSpace(ci.output) == "" || ci.c.Failed() {
		return nil
	}
	// Words and shingles the output shares with the request itself say
	// nothing about the context blocks.
	var reqWords, reqSh [][]uint64
	for _, b := range ci.blocks {
		if b.request {
			reqWords = append(reqWords, b.feat.words)
			reqSh = append(reqSh, b.feat.shingles)
		}
	}
	outWords := difference(ci.outWords, union(reqWords))
	outSh := difference(ci.outSh, union(reqSh))
	// Words that several blocks share (boilerplate, common vocabulary) do
	// not show which block the answer used: count only each block's own.
	seen := map[uint64]int{}
	for _, b := range ci.blocks {
		for _, w := range b.feat.words {
			seen[w]++
		}
	}
	var runs []unusedRun
	var cur []block
	flush := func() {
		if len(cur) == 0 {
			return
		}
		bytes := 0
		for _, b := range cur {
			bytes += len(b.text)
		}
		// A token is at least one byte: smaller runs cannot reach the size.
		if int64(bytes)*runFloor >= s.cfg.minBlockTokens {
			r := unusedRun{blocks: cur}
			hs := make([]uint64, len(cur))
			for i, b := range cur {
				hs[i] = b.hash
				r.tokens += s.tokens(ci, b.text)
			}
			r.hash = mix(hs)
			if r.tokens*runFloor >= s.cfg.minBlockTokens {
				runs = append(runs, r)
			}
		}
		cur = nil
	}
	for i, b := range ci.blocks {
		if len(cur) > 0 && (cur[0].msg != b.msg || cur[0].part != b.part) {
			flush()
		}
		if b.request || b.instructions || b.system && isInstructions(b.feat) || reflected(ci.blocks, i, seen, outSh, outWords) {
			flush()
			continue
		}
		cur = append(cur, ci.blocks[i])
	}
	flush()
	return runs
}

// reflected reports whether the output reflects block i: they share
// minSharedShingles word 3-shingles that no other context block has
// (phrases common to several passages — templates, boilerplate — do not
// show which one the answer used; earlier answers, which repeat what they
// used, and identical copies do not count as other blocks), or enough of
// the block's own distinctive words (see the thresholds above).
func reflected(blocks []block, i int, seen map[uint64]int, outSh, outWords []uint64) bool {
	f := blocks[i].feat
	if intersect(f.shingles, outSh) >= minSharedShingles {
		own := 0
		for _, sh := range intersection(f.shingles, outSh) {
			if !elsewhere(blocks, i, sh) {
				own++
				if own >= minSharedShingles {
					return true
				}
			}
		}
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

// elsewhere reports whether a context block other than blocks[i] (and not
// an identical copy of it, nor an earlier answer) has shingle sh.
func elsewhere(blocks []block, i int, sh uint64) bool {
	for j, b := range blocks {
		if j == i || b.answer || b.hash == blocks[i].hash {
			continue
		}
		if _, ok := slices.BinarySearch(b.feat.shingles, sh); ok {
			return true
		}
	}
	return false
}

// intersection returns the common elements of two sorted distinct sets.
func intersection(a, b []uint64) []uint64 {
	var out []uint64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, a[i])
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return out
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

func bloatFinding(calls []*callInfo, runs []unusedRun, removable int64) run.Finding {
	ns := numbers(calls)
	agents := map[string]bool{}
	for _, ci := range calls {
		agents[agentName(ci.c)] = true
	}
	history := false
	first := calls[0]
	for _, r := range runs {
		if b := r.blocks[0]; !b.system && b.msg < len(first.msgs)-1 {
			history = true
		}
	}
	what := describeRuns(first, runs)
	subject := callsSubject(ns)
	expl := fmt.Sprintf("%s %s that the answer never uses: about %d tokens in all.", subject, what, removable)
	rec := "Drop the unused context, or retrieve only the passages the task needs."
	switch {
	case len(agents) > 1:
		names := make([]string, 0, len(agents))
		for a := range agents {
			names = append(names, a)
		}
		slices.Sort(names)
		expl = fmt.Sprintf("The same %s, about %d tokens, is pasted into the prompts of agents %s (calls %s) and none of their answers uses it.",
			what, removable, strings.Join(names, ", "), callList(ns))
		rec = "Stop broadcasting this block to every agent: give it only to the agent that needs it."
	case history:
		expl = fmt.Sprintf("%s the conversation history on every turn, including %s that no later answer uses: about %d tokens.",
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

// describeRuns names the unused blocks of a call: where each is, its kind,
// its tokens and how it starts (at most three, then a count).
func describeRuns(ci *callInfo, runs []unusedRun) string {
	const shown = 3
	var parts []string
	for i, r := range runs {
		if i == shown {
			parts = append(parts, fmt.Sprintf("%d more", len(runs)-shown))
			break
		}
		b := r.blocks[0]
		where := "the system instructions"
		if !b.system {
			where = fmt.Sprintf("message %d (%s)", b.msg+1, ci.msgs[b.msg].Role)
			if b.msg == len(ci.msgs)-1 {
				where = fmt.Sprintf("the request message (%d)", b.msg+1)
			}
		}
		if len(r.blocks) == 1 {
			parts = append(parts, fmt.Sprintf("a %s in %s of ~%d tokens starting %q", kindLabel[b.kind], where, r.tokens, preview(b.text, 60)))
			continue
		}
		// Several adjacent blocks: name the largest, which is the reason.
		big := r.blocks[0]
		for _, x := range r.blocks[1:] {
			if len(x.text) > len(big.text) {
				big = x
			}
		}
		parts = append(parts, fmt.Sprintf("%d adjacent blocks in %s of ~%d tokens, mainly a %s starting %q", len(r.blocks), where, r.tokens, kindLabel[big.kind], preview(big.text, 60)))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// kindLabel names a block kind in explanations.
var kindLabel = map[string]string{
	KindParagraph: "paragraph", KindSection: "section", KindTagged: "tagged document", KindCode: "code block",
	KindTable: "table", KindCSV: "CSV block", KindJSON: "JSON block", KindQuote: "quoted document", KindTool: "tool result",
}
