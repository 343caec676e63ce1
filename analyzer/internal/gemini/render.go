package gemini

import (
	"fmt"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// RenderOptions control the compact text of a run.
type RenderOptions struct {
	// MinBlockChars is the smallest paragraph worth replacing by a
	// reference when it repeats (shorter repeats cost less than the
	// reference).
	MinBlockChars int
	// MaxBlockChars is the longest paragraph kept whole; longer ones keep
	// their head and tail around an explicit elision marker.
	MaxBlockChars int
	// BudgetChars bounds the whole text; MaxBlockChars shrinks until the run
	// fits, and as a last resort content is omitted with a marker.
	BudgetChars int
}

// DefaultRenderOptions are the options Render uses for zero fields.
func DefaultRenderOptions() RenderOptions {
	return RenderOptions{MinBlockChars: 80, MaxBlockChars: 1500, BudgetChars: DefaultBudgetChars}
}

func (o RenderOptions) withDefaults() RenderOptions {
	d := DefaultRenderOptions()
	if o.MinBlockChars <= 0 {
		o.MinBlockChars = d.MinBlockChars
	}
	if o.MaxBlockChars <= 0 {
		o.MaxBlockChars = d.MaxBlockChars
	}
	if o.BudgetChars <= 0 {
		o.BudgetChars = d.BudgetChars
	}
	return o
}

// minElidedBlock is the smallest MaxBlockChars the budget loop goes down to.
const minElidedBlock = 200

// Render writes r as the compact text sent to Gemini: a header, the span
// tree, then every call with its metadata and content. A paragraph that
// repeats is written once, tagged [[B<n>]], and every later occurrence is
// replaced by [[block B<n>: first seen in call #k]]; a paragraph longer than
// MaxBlockChars keeps its head and tail around
// [[elided <n> chars]]. When the text exceeds BudgetChars, MaxBlockChars is
// halved until it fits; if it still does not, content of the last calls is
// replaced by [[content omitted: budget]].
func Render(r *run.Run, o RenderOptions) string {
	o = o.withDefaults()
	contents := parseContents(r)
	blocks := indexBlocks(contents, o.MinBlockChars)
	var text string
	for max := o.MaxBlockChars; ; max /= 2 {
		text = render(r, contents, blocks, max, len(r.Calls))
		if len(text) <= o.BudgetChars || max/2 < minElidedBlock {
			break
		}
	}
	// Last resort: drop content from the end until the run fits.
	for keep := len(r.Calls); len(text) > o.BudgetChars && keep > 0; {
		keep = keep * 3 / 4
		text = render(r, contents, blocks, minElidedBlock, keep)
	}
	return text
}

func render(r *run.Run, contents [][]section, blocks *blockIndex, maxBlock, contentCalls int) string {
	var b strings.Builder
	var in, out int64
	for _, c := range r.Calls {
		in += c.Usage.InputTokens
		out += c.Usage.OutputTokens
	}
	fmt.Fprintf(&b, "RUN trace=%s workflow=%q service=%q calls=%d input_tokens=%d output_tokens=%d cost_usd=%s duration=%s\n",
		r.TraceID, r.Workflow, r.Service, len(r.Calls), in, out, r.TotalCost(), r.End.Sub(r.Start).Round(time.Millisecond))
	b.WriteString("\nTREE\n")
	roots := rootsOf(r)
	for _, s := range roots {
		writeTree(&b, s, 0)
	}
	b.WriteString("\nCALLS\n")
	seen := map[int]bool{}
	for i, c := range r.Calls {
		fmt.Fprintf(&b, "\n#%d span=%s agent=%q op=%s model=%s/%s in=%d cache_read=%d cache_write=%d out=%d reasoning=%d cost_usd=%s latency=%s status=%s finish=%s\n",
			c.Number, c.SpanID, c.Agent, c.Operation, c.Provider, c.Model(), c.Usage.InputTokens, c.Usage.CacheReadTokens,
			c.Usage.CacheWriteTokens, c.Usage.OutputTokens, c.Usage.ReasoningTokens, c.Cost,
			c.Duration.Round(time.Millisecond), statusOf(c), strings.Join(c.FinishReasons, ","))
		if i >= contentCalls {
			b.WriteString("  [[content omitted: budget]]\n")
			continue
		}
		if len(contents[i]) == 0 {
			fmt.Fprintf(&b, "  [[no content recorded (policy %q)]]\n", c.ContentPolicy)
		}
		for _, sec := range contents[i] {
			fmt.Fprintf(&b, "  %s:\n", sec.label)
			for _, p := range sec.paras {
				writePara(&b, p, c.Number, blocks, seen, maxBlock)
			}
		}
	}
	return b.String()
}

func writePara(b *strings.Builder, p string, call int, blocks *blockIndex, seen map[int]bool, maxBlock int) {
	if id, first, ok := blocks.lookup(p); ok {
		if seen[id] {
			fmt.Fprintf(b, "    [[block B%d: first seen in call #%d]]\n", id, first)
			return
		}
		seen[id] = true
		fmt.Fprintf(b, "    [[B%d]] ", id)
	} else {
		b.WriteString("    ")
	}
	if len(p) > maxBlock {
		head, tail := cutRunes(p, maxBlock*2/3, maxBlock/3)
		fmt.Fprintf(b, "%s [[elided %d chars]] %s\n", head, len(p)-len(head)-len(tail), tail)
		return
	}
	b.WriteString(p)
	b.WriteByte('\n')
}

// cutRunes returns about the first h and last t bytes of s, on rune
// boundaries.
func cutRunes(s string, h, t int) (string, string) {
	for h > 0 && h < len(s) && !startsRune(s[h]) {
		h--
	}
	ts := len(s) - t
	for ts < len(s) && ts > h && !startsRune(s[ts]) {
		ts++
	}
	return s[:h], s[ts:]
}

func startsRune(c byte) bool { return c&0xC0 != 0x80 }

func statusOf(c *run.Call) string {
	if c.Failed() {
		if c.ErrorType != "" {
			return "error:" + c.ErrorType
		}
		return "error"
	}
	return "ok"
}

func rootsOf(r *run.Run) []*run.Span {
	byID := make(map[string]bool, len(r.Spans))
	for _, s := range r.Spans {
		byID[s.SpanID] = true
	}
	var roots []*run.Span
	for _, s := range r.Spans {
		if s.ParentSpanID == "" || !byID[s.ParentSpanID] {
			roots = append(roots, s)
		}
	}
	return roots
}

func writeTree(b *strings.Builder, s *run.Span, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	if s.Call != nil {
		fmt.Fprintf(b, "#%d %s\n", s.Call.Number, s.Name)
	} else {
		fmt.Fprintf(b, "%s [%s]\n", s.Name, s.SpanID)
	}
	for _, c := range s.Children {
		writeTree(b, c, depth+1)
	}
}

// section is one labelled part of a call's content (system, a message).
type section struct {
	label string
	paras []string
}

func parseContents(r *run.Run) [][]section {
	out := make([][]section, len(r.Calls))
	for i, c := range r.Calls {
		if c.SystemInstructions != "" {
			sys, _ := genai.ParseParts(c.SystemInstructions)
			out[i] = append(out[i], section{"system", paragraphs(genai.Message{Parts: sys}.NamedText())})
		}
		for _, m := range messages(c.InputMessages) {
			out[i] = append(out[i], section{"in[" + m.Role + "]", paragraphs(m.NamedText())})
		}
		for _, m := range messages(c.OutputMessages) {
			out[i] = append(out[i], section{"out[" + m.Role + "]", paragraphs(m.NamedText())})
		}
	}
	return out
}

// messages parses semconv content; unparsable content is kept as one
// message (genai.ParseMessages returns it with an error), never dropped.
func messages(v string) []genai.Message {
	msgs, _ := genai.ParseMessages(v)
	for i := range msgs {
		if msgs[i].Role == "" {
			msgs[i].Role = "text"
		}
	}
	return msgs
}

// paragraphs splits text on blank lines, dropping empty paragraphs.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
