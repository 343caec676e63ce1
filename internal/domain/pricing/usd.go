package pricing

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// USD is an exact amount of US dollars in pico-dollars (1 USD = 1e12).
// All pricing arithmetic is integer arithmetic on this type; it never
// accumulates floating-point error.
type USD int64

// Common amounts.
const (
	// PicoDollar is the smallest representable amount.
	PicoDollar USD = 1
	// Dollar is one US dollar.
	Dollar USD = 1_000_000_000_000
	// picoDigits is the number of decimal places a USD carries.
	picoDigits = 12
)

// ParseUSD parses a decimal string such as "2.50", "0.000075" or "-1" into
// an exact USD. At most 12 fractional digits are accepted; exponents,
// thousands separators and currency signs are rejected.
func ParseUSD(s string) (USD, error) {
	orig := s
	if s == "" {
		return 0, errors.New("parse USD: empty string")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("parse USD %q: no digits", orig)
	}
	if len(frac) > picoDigits {
		return 0, fmt.Errorf("parse USD %q: more than %d decimal places", orig, picoDigits)
	}
	var v uint64
	for _, part := range []string{whole, frac + strings.Repeat("0", picoDigits-len(frac))} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("parse USD %q: invalid character %q", orig, c)
			}
			hi, lo := bits.Mul64(v, 10)
			lo, carry := bits.Add64(lo, uint64(c-'0'), 0)
			if hi != 0 || carry != 0 || lo > math.MaxInt64 {
				return 0, fmt.Errorf("parse USD %q: out of range", orig)
			}
			v = lo
		}
	}
	if neg {
		return -USD(v), nil
	}
	return USD(v), nil
}

// String returns the exact decimal representation in dollars without
// trailing zeros, e.g. "0.000012345" or "3".
func (u USD) String() string {
	var b strings.Builder
	abs := uint64(u)
	if u < 0 {
		b.WriteByte('-')
		abs = uint64(-u)
	}
	whole, frac := abs/uint64(Dollar), abs%uint64(Dollar)
	b.WriteString(strconv.FormatUint(whole, 10))
	if frac != 0 {
		f := strconv.FormatUint(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", picoDigits-len(f)))
		b.WriteString(strings.TrimRight(f, "0"))
	}
	return b.String()
}

// Float64 returns the amount in dollars rounded to the nearest float64.
// For any amount below 2^50 pico-dollars (about $1,125, far above the cost
// of one call), math.Round(f*1e12) recovers the exact pico-dollar integer
// (FromFloat64); larger amounts are within one part in 2^52.
func (u USD) Float64() float64 {
	return float64(u) / float64(Dollar)
}

// Pico returns the amount as an integer number of pico-dollars.
func (u USD) Pico() int64 { return int64(u) }

// FromFloat64 converts a dollar amount written by Float64 back to the exact
// pico-dollar integer (math.Round(f*1e12)). Non-finite values give 0 and false.
func FromFloat64(f float64) (USD, bool) {
	p := math.Round(f * float64(Dollar))
	if math.IsNaN(p) || p > math.MaxInt64 || p < math.MinInt64 {
		return 0, false
	}
	return USD(p), true
}

// mulTokens multiplies a non-negative token count by a per-token rate,
// reporting overflow instead of wrapping.
func mulTokens(tokens int64, rate USD) (USD, bool) {
	if tokens <= 0 || rate <= 0 {
		return 0, tokens >= 0 && rate >= 0
	}
	hi, lo := bits.Mul64(uint64(tokens), uint64(rate))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return USD(lo), true
}

// scale returns round-half-up(v * num / den) for non-negative v, num and
// positive den, using 128-bit intermediates. It is used for batch discounts.
func scale(v USD, num, den int64) USD {
	if v <= 0 || num <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(v), uint64(num))
	lo, c := bits.Add64(lo, uint64(den)/2, 0)
	hi += c
	if hi >= uint64(den) {
		return USD(math.MaxInt64)
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > math.MaxInt64 {
		return USD(math.MaxInt64)
	}
	return USD(q)
}
