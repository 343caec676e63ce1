package timearg

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"24h": now.Add(-24 * time.Hour), "7d": now.Add(-7 * 24 * time.Hour), "90m": now.Add(-90 * time.Minute),
		"2025-06-01T10:00:00Z": time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC),
	} {
		if got, err := Parse(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "yesterday", "-5m", "-1d", "2025-06-01"} {
		if _, err := Parse(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"24h", "7d", "2025-06-01T10:00:00Z", "x"} {
		f.Add(s)
	}
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if got, err := Parse(s, now); err == nil && got.IsZero() {
			t.Fatalf("%q: zero time without error", s)
		}
	})
}
