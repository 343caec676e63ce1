package cli

import (
	"fmt"
	"math"

	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// parseGate validates --max-waste-usd / --max-waste-pct; nil when neither
// is set.
func parseGate(fl analyzeFlags) (*report.Gate, error) {
	if fl.maxWasteUSD == "" && !fl.maxWastePctOn {
		return nil, nil
	}
	g := &report.Gate{}
	if fl.maxWasteUSD != "" {
		v, err := pricing.ParseUSD(fl.maxWasteUSD)
		if err != nil || v < 0 {
			return nil, usagef("--max-waste-usd %q: want a non-negative decimal amount such as 0.05", fl.maxWasteUSD)
		}
		g.MaxUSD = &v
	}
	if fl.maxWastePctOn {
		if math.IsNaN(fl.maxWastePct) || fl.maxWastePct < 0 || fl.maxWastePct > 100 {
			return nil, usagef("--max-waste-pct %v: want a percentage between 0 and 100", fl.maxWastePct)
		}
		p := fl.maxWastePct
		g.MaxPct = &p
	}
	return g, nil
}

// evaluateGate compares the verified savings with the thresholds.
func evaluateGate(g *report.Gate, s verify.Summary) {
	var over []string
	if g.MaxUSD != nil && s.Savings > *g.MaxUSD {
		over = append(over, fmt.Sprintf("savings $%s exceed --max-waste-usd $%s", s.Savings, *g.MaxUSD))
	}
	if g.MaxPct != nil && s.Pct > *g.MaxPct {
		over = append(over, fmt.Sprintf("savings %.1f%% exceed --max-waste-pct %g%%", s.Pct, *g.MaxPct))
	}
	g.Exceeded = len(over) > 0
	if g.Exceeded {
		g.Reason = over[0]
		if len(over) > 1 {
			g.Reason += "; " + over[1]
		}
		return
	}
	g.Reason = fmt.Sprintf("passed (savings $%s, %.1f%%)", s.Savings, s.Pct)
}
