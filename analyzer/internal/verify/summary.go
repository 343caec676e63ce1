package verify

import (
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Summary totals a run's cost and the verified savings.
type Summary struct {
	// Original is the run's cost as recorded.
	Original pricing.USD
	// Optimized is Original − Savings.
	Optimized pricing.USD
	// Savings is the sum of the findings' verified savings (never more
	// than Original).
	Savings pricing.USD
	// Pct is Savings as a percentage of Original (0 when Original is 0).
	Pct float64
}

// Summarize totals verified findings for r.
func Summarize(r *run.Run, verified []run.Finding) Summary {
	s := Summary{Original: r.TotalCost()}
	for _, f := range verified {
		s.Savings += f.Savings
	}
	s.Savings = min(max(s.Savings, 0), max(s.Original, 0))
	s.Optimized = s.Original - s.Savings
	if s.Original > 0 {
		s.Pct = 100 * float64(s.Savings) / float64(s.Original)
	}
	return s
}
