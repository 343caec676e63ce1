package store

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// toUSD converts a Decimal column value to exact pico-dollars via its
// decimal string.
func toUSD(d decimal.Decimal, column string) (pricing.USD, error) {
	u, err := pricing.ParseUSD(d.StringFixed(12))
	if err != nil {
		return 0, fmt.Errorf("column %s: %w", column, err)
	}
	return u, nil
}

// fromUSD converts pico-dollars to a Decimal for a Decimal(18, 12) column.
func fromUSD(u pricing.USD) decimal.Decimal {
	return decimal.New(u.Pico(), -12)
}
