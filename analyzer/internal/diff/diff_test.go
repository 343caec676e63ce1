package diff

import (
	"slices"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// before and after are the sample run and the same work with its waste
// fixed: the repeated research call dropped, the translation on a small
// model.
func beforeAfter() (Side, Side) {
	specs := storetest.SampleSpecs()
	a := storetest.Build("0000000000000000000000000000000a", "checkout", specs)
	fixed := []storetest.CallSpec{specs[0], specs[1], specs[3]}
	fixed[1].Model = "gpt-4o-mini"
	b := storetest.Build("0000000000000000000000000000000b", "checkout", fixed)
	a.Build()
	b.Build()
	return Side{Run: a, Findings: []run.Finding{
			{Type: run.Redundant, Calls: []int{1, 3}, Savings: a.Calls[2].Cost},
			{Type: run.Overkill, Calls: []int{2}, Savings: a.Calls[1].Cost - b.Calls[1].Cost},
			{Type: run.Bloat, Calls: []int{4}, Savings: a.Calls[3].Cost / 2},
		}}, Side{Run: b, Findings: []run.Finding{
			{Type: run.Bloat, Calls: []int{3}, Savings: b.Calls[2].Cost / 2},
			{Type: run.Loop, Calls: []int{1}, Savings: 1},
		}}
}

func TestCompare(t *testing.T) {
	a, b := beforeAfter()
	r := Compare(a, b, Prediction{Savings: 10 * pricing.Dollar / 1000, Source: "test"})
	if r.Totals[0].Calls != 4 || r.Totals[1].Calls != 3 || r.Totals[0].Cost != a.Run.TotalCost() || r.Totals[1].Cost != b.Run.TotalCost() {
		t.Errorf("totals %+v", r.Totals)
	}
	if r.Realized() != a.Run.TotalCost()-b.Run.TotalCost() || r.Realized() <= 0 {
		t.Errorf("realized %s", r.Realized())
	}
	if want := 100 * float64(r.Realized()) / float64(10*pricing.Dollar/1000); r.RealizedPct() != want {
		t.Errorf("realized pct %v, want %v", r.RealizedPct(), want)
	}
	byKey := func(ls []Line) map[string]Line {
		m := map[string]Line{}
		for _, l := range ls {
			m[l.Key] = l
		}
		return m
	}
	agents := byKey(r.Agents)
	if got := agents["researcher"].Sides; got[0].Calls != 2 || got[1].Calls != 1 || got[0].Cost != 2*got[1].Cost {
		t.Errorf("researcher %+v", got)
	}
	models := byKey(r.Models)
	if models["openai/gpt-4o-mini"].Sides[0].Calls != 0 || models["openai/gpt-4o-mini"].Sides[1].Calls != 1 || models["openai/gpt-4o"].Sides[1].Calls != 1 {
		t.Errorf("models %+v", r.Models)
	}
	if r.Agents[0].Key != "writer" {
		t.Errorf("agents not ordered by A's cost: %+v", r.Agents)
	}
	var gone, kept []run.Type
	for _, c := range r.FindingsA {
		if c.Matched {
			kept = append(kept, c.Finding.Type)
		} else {
			gone = append(gone, c.Finding.Type)
		}
	}
	if !slices.Equal(gone, []run.Type{run.Redundant, run.Overkill}) || !slices.Equal(kept, []run.Type{run.Bloat}) || r.Gone() != 2 {
		t.Errorf("gone %v, still there %v", gone, kept)
	}
	if len(r.NewInB) != 1 || r.NewInB[0].Finding.Type != run.Loop || !slices.Equal(r.NewInB[0].Agents, []string{"researcher"}) {
		t.Errorf("new in B %+v", r.NewInB)
	}
}

func TestCompareWithoutPrediction(t *testing.T) {
	a, b := beforeAfter()
	if r := Compare(a, b, Prediction{}); r.RealizedPct() != 0 {
		t.Errorf("pct without a prediction: %v", r.RealizedPct())
	}
}
