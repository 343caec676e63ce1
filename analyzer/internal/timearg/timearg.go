// Package timearg reads the points in time users give the CLI and the API:
// a duration back from now (90m, 24h, 7d) or an RFC 3339 time.
package timearg

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Parse reads s as a point in time, a duration being counted back from now.
func Parse(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 && n <= 100*365 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want a duration (90m, 24h, 7d) or an RFC 3339 time (2025-06-01T10:00:00Z)", s)
}
