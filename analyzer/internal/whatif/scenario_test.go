package whatif

import (
	"errors"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

func TestScenarioValidate(t *testing.T) {
	prices := pricing.Default()
	for _, tc := range []struct {
		name string
		s    Scenario
		want string // "" for valid
	}{
		{"model", Scenario{Model: "gpt-4o-mini"}, ""},
		{"cache", Scenario{Cache: true}, ""},
		{"batch", Scenario{Batch: true}, ""},
		{"none", Scenario{}, "exactly one"},
		{"two", Scenario{Model: "gpt-4o-mini", Batch: true}, "exactly one"},
		{"unknown model", Scenario{Model: "gpt-9"}, `model "gpt-9" is not in the price table`},
		{"embedding model", Scenario{Model: "text-embedding-3-small"}, "a chat model is needed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate(prices)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrScenario) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrScenario with %q", err, tc.want)
			}
		})
	}
}
