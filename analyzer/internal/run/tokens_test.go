package run

import (
	"math"
	"testing"
)

func TestTokenCount(t *testing.T) {
	tests := []struct {
		in   uint64
		want int64
		ok   bool
	}{
		{0, 0, true},
		{1200, 1200, true},
		{MaxTokens, MaxTokens, true},
		{MaxTokens + 1, 0, false},
		{1 << 63, 0, false},
		{math.MaxUint64, 0, false}, // a -1 written as UInt64
	}
	for _, tt := range tests {
		if got, ok := TokenCount(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("TokenCount(%d) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAddTokens(t *testing.T) {
	tests := []struct {
		total, n, want int64
		ok             bool
	}{
		{1, 2, 3, true},
		{math.MaxInt64 - 1, 1, math.MaxInt64, true},
		{math.MaxInt64, 1, math.MaxInt64, false},
		{math.MaxInt64 / 2, math.MaxInt64/2 + 2, math.MaxInt64 / 2, false},
		{5, -1, 5, false},
		{-1, 5, -1, false},
	}
	for _, tt := range tests {
		if got, ok := AddTokens(tt.total, tt.n); got != tt.want || ok != tt.ok {
			t.Errorf("AddTokens(%d, %d) = %d, %v; want %d, %v", tt.total, tt.n, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRunBadTokenCounts(t *testing.T) {
	r := &Run{Calls: []*Call{{BadTokenCounts: []string{"InputTokens"}}, {}, {BadTokenCounts: []string{"InputTokens", "OutputTokens"}}}}
	if got := r.BadTokenCounts(); got != 3 {
		t.Errorf("BadTokenCounts() = %d, want 3", got)
	}
}
