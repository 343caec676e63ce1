package run

import "math"

// MaxTokens is the largest token count read from the store that Kaizen
// believes. No real call comes near it (a million-token context is 1e6),
// while a negative count written by a buggy instrumentation arrives as a
// UInt64 near 2^64: bounding every count here keeps per-call numbers and
// run totals far from int64 overflow, so a total can never wrap.
const MaxTokens = 1_000_000_000_000

// TokenCount converts a stored token count. A count above MaxTokens is
// unreadable: it returns 0 and false, and the caller flags it (see
// Call.BadTokenCounts) instead of counting it.
func TokenCount(v uint64) (int64, bool) {
	if v > MaxTokens {
		return 0, false
	}
	return int64(v), true
}

// AddTokens returns total+n when both are valid counts and the sum fits in
// an int64; otherwise it returns total unchanged and false, so the caller
// counts n as 0 and flags it.
func AddTokens(total, n int64) (int64, bool) {
	if n < 0 || total < 0 || total > math.MaxInt64-n {
		return total, false
	}
	return total + n, true
}

// BadTokenCounts returns how many token counts of the run's calls were
// read out of range and counted as 0.
func (r *Run) BadTokenCounts() int {
	n := 0
	for _, c := range r.Calls {
		n += len(c.BadTokenCounts)
	}
	return n
}
