package verify

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Verify checks, re-prices, merges and budgets findings about r (see the
// package comment). It returns the verified findings ordered by saving
// (largest first), with Savings, Severity and SpanIDs set, and counts of
// what was dropped and why. The input findings are not modified. A nil
// prices uses pricing.Default().
func Verify(r *run.Run, findings []run.Finding, prices *pricing.Table) ([]run.Finding, Stats) {
	if prices == nil {
		prices = pricing.Default()
	}
	st := Stats{Input: len(findings)}
	valid := make([]run.Finding, 0, len(findings))
	for _, f := range findings {
		f.Calls = slices.Clone(f.Calls)
		if reason := validate(r, &f); reason != "" {
			st.drop(reason, f)
			continue
		}
		valid = append(valid, f)
	}
	merged := merge(valid, &st)
	slices.SortStableFunc(merged, func(a, b run.Finding) int {
		if c := cmp.Compare(allocRank(a.Type), allocRank(b.Type)); c != 0 {
			return c
		}
		return cmp.Compare(a.Calls[0], b.Calls[0])
	})
	budget := make(map[int]pricing.USD, len(r.Calls))
	for _, c := range r.Calls {
		budget[c.Number] = max(c.Cost, 0)
	}
	total := r.TotalCost()
	out := make([]run.Finding, 0, len(merged))
	for _, f := range merged {
		p, reason := savingsOf(r, &f, prices)
		if reason != "" {
			st.drop(reason, f)
			continue
		}
		saving, short, any := allocate(p, budget)
		capped := len(short) > 0
		if saving <= 0 {
			if any && capped {
				st.drop(AlreadyClaimed, f)
			} else {
				st.drop(NoSaving, f)
			}
			continue
		}
		if capped {
			st.Capped++
			// The title names every call; say which ones the saving leaves out.
			f.Explanation = strings.TrimSpace(f.Explanation + " " + shortNote(short))
		}
		f.Savings = saving
		f.Confidence = min(max(f.Confidence, 0), 1)
		f.Severity = severity(saving, total, f.Confidence)
		f.SpanIDs = spanIDs(r, f.Calls)
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b run.Finding) int {
		if c := cmp.Compare(b.Savings, a.Savings); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Type.Rank(), b.Type.Rank()); c != 0 {
			return c
		}
		return cmp.Compare(a.Calls[0], b.Calls[0])
	})
	st.Verified = len(out)
	return out, st
}

// validate checks type and calls, and sorts and de-duplicates the calls.
func validate(r *run.Run, f *run.Finding) Reason {
	if f.Type.Rank() < 0 {
		return UnknownType
	}
	if len(f.Calls) == 0 {
		return NoCalls
	}
	for _, n := range f.Calls {
		if r.Call(n) == nil {
			return UnknownCall
		}
	}
	slices.Sort(f.Calls)
	f.Calls = slices.Compact(f.Calls)
	switch f.Type {
	case run.Redundant, run.Loop, run.RetryWaste, run.CacheMiss:
		if len(f.Calls) < 2 {
			return TooFewCalls
		}
	}
	return ""
}

// merge folds findings of the same type and calls into the first one.
func merge(fs []run.Finding, st *Stats) []run.Finding {
	idx := map[string]int{}
	var out []run.Finding
	for _, f := range fs {
		k := key(f)
		i, ok := idx[k]
		if !ok {
			idx[k] = len(out)
			out = append(out, f)
			continue
		}
		st.Merged++
		g := &out[i]
		if g.Source != f.Source {
			g.Source = run.SourceBoth
		}
		// Detector fields (computed from content) win; fill what is missing.
		if g.Source == run.SourceBoth && f.Source == run.SourceDetector {
			g.RemovableTokens, g.SuggestedModel = f.RemovableTokens, f.SuggestedModel
		}
		if g.SuggestedModel == "" {
			g.SuggestedModel = f.SuggestedModel
		}
		if g.RemovableTokens == 0 {
			g.RemovableTokens = f.RemovableTokens
		}
		g.Confidence = max(g.Confidence, f.Confidence)
	}
	return out
}

func key(f run.Finding) string {
	var b strings.Builder
	b.WriteString(string(f.Type))
	for _, n := range f.Calls {
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// allocate caps each claim by the call's remaining budget and returns
// the finding's saving (minus any premium), whether a claim was capped, and
// whether the finding claimed anything before capping. The budget is
// deducted only when the saving is positive: a dropped finding claims
// nothing.
func allocate(p plan, budget map[int]pricing.USD) (saving pricing.USD, short []int, any bool) {
	got := make([]pricing.USD, len(p.claims))
	for i, c := range p.claims {
		if c.amount <= 0 {
			continue
		}
		any = true
		got[i] = min(c.amount, budget[c.call])
		if got[i] < c.amount && !slices.Contains(short, c.call) {
			short = append(short, c.call)
		}
		saving += got[i]
	}
	if saving <= p.premium {
		return 0, short, any
	}
	for i, c := range p.claims {
		budget[c.call] -= got[i]
	}
	return saving - p.premium, short, any
}

// shortNote says which calls' cost another finding already claimed.
func shortNote(calls []int) string {
	slices.Sort(calls)
	names := make([]string, len(calls))
	for i, n := range calls {
		names[i] = "#" + strconv.Itoa(n)
	}
	return "The saving leaves out the part of call " + strings.Join(names, ", ") + " already counted by another finding."
}

// Severity thresholds: share of the run's cost saved.
const (
	highShare   = 0.10
	mediumShare = 0.02
	// confident is the confidence below which severity drops one level.
	confident = 0.6
)

// severity ranks a saving by its share of the run's cost and the
// finding's confidence: high from 10%, medium from 2%, one level lower
// when confidence is below 0.6.
func severity(saving, total pricing.USD, confidence float64) run.Severity {
	share := 1.0
	if total > 0 {
		share = float64(saving) / float64(total)
	}
	level := 0
	switch {
	case share >= highShare:
		level = 2
	case share >= mediumShare:
		level = 1
	}
	if confidence < confident && level > 0 {
		level--
	}
	return [...]run.Severity{run.Low, run.Medium, run.High}[level]
}

func spanIDs(r *run.Run, calls []int) []string {
	out := make([]string, len(calls))
	for i, n := range calls {
		out[i] = r.Call(n).SpanID
	}
	return out
}

// allocOrder is the order in which findings claim call budgets: whole-call
// waste first (a repeat or failed attempt need not be made at all), then
// cheaper models, then smaller prompts.
var allocOrder = []run.Type{run.RetryWaste, run.Loop, run.Redundant, run.Overkill, run.Bloat, run.CacheMiss}

func allocRank(t run.Type) int { return slices.Index(allocOrder, t) }
