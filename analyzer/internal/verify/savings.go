package verify

import (
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// claim is the saving a finding attributes to one call before budgeting.
type claim struct {
	call   int
	amount pricing.USD
}

// plan is a finding's recomputed saving: per-call claims and, for cache
// findings, the one-off cache-write premium subtracted from the total.
type plan struct {
	claims  []claim
	premium pricing.USD
}

// savingsOf recomputes a validated finding's saving from its calls and the
// price table (formulas in the package comment). It returns a drop reason
// when the finding cannot be priced.
func savingsOf(r *run.Run, f *run.Finding, prices *pricing.Table) (plan, Reason) {
	calls := make([]*run.Call, len(f.Calls))
	for i, n := range f.Calls {
		calls[i] = r.Call(n)
	}
	var p plan
	switch f.Type {
	case run.Redundant, run.Loop:
		for _, c := range calls[1:] {
			p.claims = append(p.claims, claim{c.Number, c.Cost})
		}
	case run.RetryWaste:
		for _, c := range calls[:len(calls)-1] {
			p.claims = append(p.claims, claim{c.Number, c.Cost})
		}
	case run.Overkill:
		return overkillPlan(calls, f.SuggestedModel, prices)
	case run.Bloat:
		for _, c := range calls {
			m, ok := prices.Resolve(c.Provider, c.Model())
			if !ok {
				return plan{}, UnknownModel
			}
			tokens := min(f.RemovableTokens, uncached(c.Usage))
			p.claims = append(p.claims, claim{c.Number, mul(tokens, m.RatesFor(c.Usage.InputTokens).Input.PerToken)})
		}
	case run.CacheMiss:
		return cachePlan(calls, f.RemovableTokens, prices)
	}
	return p, ""
}

func overkillPlan(calls []*run.Call, suggested string, prices *pricing.Table) (plan, Reason) {
	var p plan
	cheaper := false
	for _, c := range calls {
		m, ok := prices.Resolve(c.Provider, c.Model())
		if !ok {
			return plan{}, UnknownModel
		}
		alt, ok := prices.Resolve(m.Provider, suggested)
		if !ok || suggested == "" {
			return plan{}, UnknownModel
		}
		if alt.Provider != m.Provider || alt.Kind != m.Kind || alt == m {
			return plan{}, NotCheaper
		}
		cost := prices.PriceModel(alt, c.Usage)
		if cost.Status == pricing.StatusUnpriced {
			return plan{}, UnknownModel
		}
		if d := c.Cost - cost.Total; d > 0 {
			cheaper = true
			p.claims = append(p.claims, claim{c.Number, d})
		}
	}
	if !cheaper {
		return plan{}, NotCheaper
	}
	return p, ""
}

func cachePlan(calls []*run.Call, prefix int64, prices *pricing.Table) (plan, Reason) {
	var p plan
	for i, c := range calls {
		m, ok := prices.Resolve(c.Provider, c.Model())
		if !ok {
			return plan{}, UnknownModel
		}
		rates := m.RatesFor(c.Usage.InputTokens)
		if !rates.CacheRead.OK {
			return plan{}, NoSaving
		}
		tokens := min(prefix, uncached(c.Usage))
		if i == 0 {
			if rates.CacheWrite.OK && rates.CacheWrite.PerToken > rates.Input.PerToken {
				p.premium = mul(tokens, rates.CacheWrite.PerToken-rates.Input.PerToken)
			}
			continue
		}
		if d := rates.Input.PerToken - rates.CacheRead.PerToken; d > 0 {
			p.claims = append(p.claims, claim{c.Number, mul(tokens, d)})
		}
	}
	return p, ""
}

// uncached returns the input tokens billed at the full input rate. Input
// reported without cache tokens (smaller than them) is taken as exclusive,
// as package pricing does.
func uncached(u pricing.Usage) int64 {
	n := u.InputTokens - u.CacheReadTokens - u.CacheWriteTokens
	if n < 0 {
		return max(u.InputTokens, 0)
	}
	return n
}

// mul multiplies tokens by a per-token rate, saturating instead of
// overflowing.
func mul(tokens int64, rate pricing.USD) pricing.USD {
	if tokens <= 0 || rate <= 0 {
		return 0
	}
	if tokens > int64(maxUSD/rate) {
		return maxUSD
	}
	return pricing.USD(tokens) * rate
}

const maxUSD = pricing.USD(1<<63 - 1)
