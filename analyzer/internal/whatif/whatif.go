package whatif

import (
	"fmt"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Line is one call before and after the change.
type Line struct {
	Call          int
	SpanID        string
	Model         string
	NewModel      string
	Before, After pricing.USD
	// CachedTokens is, for Cache, the prefix tokens priced as cache reads.
	CachedTokens int64
	// Note says why a call was left unchanged ("" when it changed or
	// needed no change).
	Note string
}

// Result is the whole run before and after the change.
type Result struct {
	Scenario      string
	Lines         []Line
	Before, After pricing.USD
	// Unchanged counts calls that could not be re-priced (see Line.Note).
	Unchanged int
}

// Delta is After − Before (negative when the change saves money).
func (r *Result) Delta() pricing.USD { return r.After - r.Before }

// Pct is the change as a percentage of Before.
func (r *Result) Pct() float64 {
	if r.Before == 0 {
		return 0
	}
	return 100 * float64(r.Delta()) / float64(r.Before)
}

// transform returns the usage and model a call is re-priced with, or a note
// saying why it stays as it is.
type transform func(c *run.Call, orig *pricing.Model) (pricing.Usage, *pricing.Model, int64, string)

// apply prices every call before (its own model and usage) and after the
// transform. A call whose own model is unknown keeps its recorded cost on
// both sides and is counted as unchanged.
func apply(r *run.Run, prices *pricing.Table, scenario string, tf transform) *Result {
	res := &Result{Scenario: scenario}
	for _, c := range r.Calls {
		l := Line{Call: c.Number, SpanID: c.SpanID, Model: c.Model()}
		orig, ok := prices.Resolve(c.Provider, c.Model())
		if !ok {
			l.Before, l.After, l.Note = c.Cost, c.Cost, fmt.Sprintf("model %s/%s not in the price table: recorded cost kept", c.Provider, c.Model())
		} else if before := prices.PriceModel(orig, c.Usage); before.Status == pricing.StatusUnpriced {
			l.Before, l.After, l.Note = c.Cost, c.Cost, "not priceable: "+before.Reason
		} else {
			l.Before, l.After = before.Total, before.Total
			u, m, cached, note := tf(c, orig)
			l.Note, l.CachedTokens = note, cached
			if note == "" {
				l.NewModel = m.Name
				if after := prices.PriceModel(m, u); after.Status != pricing.StatusUnpriced {
					l.After = after.Total
				} else {
					l.Note = "not priceable after the change: " + after.Reason
				}
			}
		}
		if l.Note != "" {
			res.Unchanged++
		}
		res.Before += l.Before
		res.After += l.After
		res.Lines = append(res.Lines, l)
	}
	return res
}

// Model re-prices every chat call under model (any model of the table:
// same provider or not). Embedding calls are left unchanged.
func Model(r *run.Run, prices *pricing.Table, model string) (*Result, error) {
	target, ok := prices.Resolve("", model)
	if !ok {
		return nil, fmt.Errorf("model %q is not in the price table (%s); see --prices", model, prices.Version())
	}
	if target.Kind != pricing.KindChat {
		return nil, fmt.Errorf("model %q is an %s model; --model needs a chat model", model, target.Kind)
	}
	return apply(r, prices, "model "+target.ID(), func(c *run.Call, orig *pricing.Model) (pricing.Usage, *pricing.Model, int64, string) {
		if orig.Kind != pricing.KindChat {
			return c.Usage, orig, 0, "embedding call"
		}
		return c.Usage, target, 0, ""
	}), nil
}

// Batch re-prices every call as a batch request (the model's batch
// discount; models without one are left unchanged).
func Batch(r *run.Run, prices *pricing.Table) *Result {
	return apply(r, prices, "batch", func(c *run.Call, orig *pricing.Model) (pricing.Usage, *pricing.Model, int64, string) {
		if orig.BatchDiscount == 0 {
			return c.Usage, orig, 0, "no batch discount for " + orig.ID()
		}
		u := c.Usage
		u.Batch = true
		return u, orig, 0, ""
	})
}
