package diff

import (
	"slices"
	"sort"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Side is one run with the findings of its analysis.
type Side struct {
	Run      *run.Run
	Findings []run.Finding
}

// Prediction is the saving an analysis of run A predicted.
type Prediction struct {
	Savings pricing.USD
	// Source says which analysis: a stored analysis id and mode, or
	// "offline analysis made for this diff".
	Source string
}

// Totals are one run's calls, tokens and cost.
type Totals struct {
	Calls  int
	Tokens int64
	Cost   pricing.USD
}

// Line is one agent or model in both runs (index 0: A, 1: B).
type Line struct {
	Key   string
	Sides [2]Totals
}

// Change is a finding of one run and whether the other run still has it.
type Change struct {
	Finding run.Finding
	// Agents are the agents of the finding's calls: with its type, what
	// identifies the same waste in another run, whose calls are numbered
	// differently.
	Agents []string
	// Matched is true when the other run has a finding of the same type
	// on one of these agents.
	Matched bool
}

// Result is the comparison of A and B.
type Result struct {
	TraceIDs  [2]string
	Workflows [2]string
	Totals    [2]Totals
	Gaps      [2]run.PriceGaps
	Agents    []Line
	Models    []Line
	// FindingsA are A's findings (Matched: still in B); NewInB are B's
	// findings without a counterpart in A.
	FindingsA, NewInB []Change
	Predicted         Prediction
}

// Realized is the cost saved from A to B (negative when B costs more).
func (r *Result) Realized() pricing.USD { return r.Totals[0].Cost - r.Totals[1].Cost }

// RealizedPct is Realized as a percentage of the predicted saving (0
// without a prediction).
func (r *Result) RealizedPct() float64 {
	if r.Predicted.Savings == 0 {
		return 0
	}
	return 100 * float64(r.Realized()) / float64(r.Predicted.Savings)
}

// Gone counts A's findings that B no longer has.
func (r *Result) Gone() int {
	n := 0
	for _, c := range r.FindingsA {
		if !c.Matched {
			n++
		}
	}
	return n
}

// Compare compares a with b; p is the saving predicted for a.
func Compare(a, b Side, p Prediction) *Result {
	res := &Result{Predicted: p}
	agents, models := map[string]*Line{}, map[string]*Line{}
	for i, s := range []Side{a, b} {
		res.TraceIDs[i], res.Workflows[i], res.Gaps[i] = s.Run.TraceID, s.Run.Workflow, s.Run.PriceGaps()
		for _, c := range s.Run.Calls {
			tokens, _ := run.AddTokens(c.Usage.InputTokens, c.Usage.OutputTokens)
			add := func(m map[string]*Line, key string) {
				l := m[key]
				if l == nil {
					l = &Line{Key: key}
					m[key] = l
				}
				l.Sides[i].Calls++
				l.Sides[i].Tokens += tokens
				l.Sides[i].Cost += c.Cost
			}
			add(agents, orNone(c.Agent))
			add(models, orNone(c.Provider+"/"+c.Model()))
			res.Totals[i].Calls++
			res.Totals[i].Tokens += tokens
			res.Totals[i].Cost += c.Cost
		}
	}
	res.Agents, res.Models = sorted(agents), sorted(models)
	res.FindingsA = changes(a, b)
	for _, c := range changes(b, a) {
		if !c.Matched {
			res.NewInB = append(res.NewInB, c)
		}
	}
	return res
}

func orNone(s string) string {
	if s == "" || s == "/" {
		return "(none)"
	}
	return s
}

// sorted orders lines by A's cost, then B's, then name.
func sorted(m map[string]*Line) []Line {
	out := make([]Line, 0, len(m))
	for _, l := range m {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i].Sides, out[j].Sides
		if x[0].Cost != y[0].Cost {
			return x[0].Cost > y[0].Cost
		}
		if x[1].Cost != y[1].Cost {
			return x[1].Cost > y[1].Cost
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// changes lists from's findings, each matched against to's.
func changes(from, to Side) []Change {
	toAgents := make([][]string, len(to.Findings))
	for i, f := range to.Findings {
		toAgents[i] = agentsOf(to.Run, f)
	}
	var out []Change
	for _, f := range from.Findings {
		c := Change{Finding: f, Agents: agentsOf(from.Run, f)}
		for i, g := range to.Findings {
			if g.Type == f.Type && overlap(c.Agents, toAgents[i]) {
				c.Matched = true
				break
			}
		}
		out = append(out, c)
	}
	return out
}

func agentsOf(r *run.Run, f run.Finding) []string {
	var out []string
	for _, n := range f.Calls {
		if c := r.Call(n); c != nil {
			a := orNone(c.Agent)
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// AgentList renders agents for people.
func AgentList(agents []string) string { return strings.Join(agents, ", ") }
