package whatif

import (
	"errors"
	"fmt"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Scenario names one change, as `kaizen what-if` flags and the API's query
// parameters give it: exactly one of Model, Cache or Batch.
type Scenario struct {
	Model        string
	Cache, Batch bool
}

// ErrScenario wraps every reason a Scenario is invalid; ErrOneChange is
// the reason when it names no change or several.
var (
	ErrScenario  = errors.New("invalid what-if scenario")
	ErrOneChange = fmt.Errorf("%w: give exactly one of model, cache or batch", ErrScenario)
)

// Validate checks that exactly one change is named and that a model is a
// chat model of the table.
func (s Scenario) Validate(prices *pricing.Table) error {
	n := 0
	for _, set := range []bool{s.Model != "", s.Cache, s.Batch} {
		if set {
			n++
		}
	}
	if n != 1 {
		return ErrOneChange
	}
	if s.Model == "" {
		return nil
	}
	m, ok := prices.Resolve("", s.Model)
	if !ok {
		return fmt.Errorf("%w: model %q is not in the price table %s", ErrScenario, s.Model, prices.Version())
	}
	if m.Kind != pricing.KindChat {
		return fmt.Errorf("%w: model %q is an %s model; a chat model is needed", ErrScenario, s.Model, m.Kind)
	}
	return nil
}

// Apply re-prices r under the scenario.
func (s Scenario) Apply(r *run.Run, prices *pricing.Table) (*Result, error) {
	if err := s.Validate(prices); err != nil {
		return nil, err
	}
	switch {
	case s.Model != "":
		return Model(r, prices, s.Model)
	case s.Cache:
		return Cache(r, prices, detect.Run(r, prices, detect.WithOnly(run.CacheMiss))), nil
	default:
		return Batch(r, prices), nil
	}
}
