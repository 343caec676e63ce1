package detect

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// state is one Run invocation: the run, its analyzed calls and the calls
// already attributed to a duplicate-family finding (retry, loop,
// redundant), which later duplicate-family detectors skip.
type state struct {
	r       *run.Run
	prices  *pricing.Table
	cfg     config
	calls   []*callInfo
	claimed map[int]bool
	byAgent [][]*callInfo
	// memo caches token counts (detectors run on one goroutine).
	memo tokenMemo
}

// detector is one waste detector.
type detector struct {
	typ run.Type
	fn  func(*state) []run.Finding
}

// detectors run in this order: retry, loop and redundant claim calls in
// turn, so a call is reported by the most specific duplicate detector.
var detectors = []detector{
	{run.RetryWaste, detectRetries},
	{run.Loop, detectLoops},
	{run.Redundant, detectRedundant},
	{run.Overkill, detectOverkill},
	{run.Bloat, detectBloat},
	{run.CacheMiss, detectCache},
}

// Run executes every detector on r and returns candidate findings ordered
// by first call then type, with Source detector. Savings and Severity are
// left for verify.Verify, which recomputes them from the price table; the
// findings carry what it needs (Calls, SuggestedModel, RemovableTokens).
// r must have been built (run.Run.Build). A nil prices uses
// pricing.Default(). Run never modifies r.
func Run(r *run.Run, prices *pricing.Table, opts ...Option) []run.Finding {
	if r == nil || len(r.Calls) == 0 {
		return nil
	}
	if prices == nil {
		prices = pricing.Default()
	}
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &state{r: r, prices: prices, cfg: cfg, calls: analyze(r), claimed: map[int]bool{}, memo: tokenMemo{}}
	s.byAgent = groupByAgent(s.calls)
	var out []run.Finding
	for _, d := range detectors {
		if cfg.only != nil && !cfg.only[d.typ] {
			continue
		}
		for _, f := range d.fn(s) {
			f.Type, f.Source = d.typ, run.SourceDetector
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b run.Finding) int {
		if c := cmp.Compare(a.Calls[0], b.Calls[0]); c != 0 {
			return c
		}
		return cmp.Compare(a.Type.Rank(), b.Type.Rank())
	})
	return out
}

// agentKey identifies the agent that made a call: its agent name, else its
// parent span (calls of one agent invocation share a parent).
func agentKey(c *run.Call) string {
	if c.Agent != "" {
		return c.Service + "\x00" + c.Agent
	}
	return c.Service + "\x00span:" + c.ParentSpanID
}

// agentName is the agent's display name.
func agentName(c *run.Call) string {
	if c.Agent != "" {
		return c.Agent
	}
	return "(no agent)"
}

// groupByAgent returns each agent's calls in call order, agents ordered by
// their first call.
func groupByAgent(calls []*callInfo) [][]*callInfo {
	idx := map[string]int{}
	var out [][]*callInfo
	for _, ci := range calls {
		k := agentKey(ci.c)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], ci)
	}
	return out
}

// numbers returns the call numbers of cis, ascending.
func numbers(cis []*callInfo) []int {
	out := make([]int, len(cis))
	for i, ci := range cis {
		out[i] = ci.c.Number
	}
	slices.Sort(out)
	return out
}

// callList renders call numbers as "#3, #7 and #9".
func callList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// callsSubject renders "Call #n sends" or "Calls #a and #b send".
func callsSubject(ns []int) string {
	if len(ns) == 1 {
		return "Call " + callList(ns) + " sends"
	}
	return "Calls " + callList(ns) + " send"
}

// preview returns the first n runes of text on one line, with an ellipsis
// when cut.
func preview(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	return string(r[:n]) + "…"
}

// claim marks calls as attributed to a duplicate-family finding.
func (s *state) claim(cis []*callInfo) {
	for _, ci := range cis {
		s.claimed[ci.c.Number] = true
	}
}

// sameSystem reports whether two calls have the same canonical system
// instructions.
func sameSystem(a, b *callInfo) bool {
	return slices.Equal(a.sysHash, b.sysHash)
}

// similarOutputs reports whether two calls' outputs are similar enough
// for the calls to be duplicates (true when either output is missing).
func (s *state) similarOutputs(a, b *callInfo) bool {
	if len(a.outSh) == 0 || len(b.outSh) == 0 {
		return true
	}
	return jaccard(a.outSh, b.outSh) >= s.cfg.outputSim
}
