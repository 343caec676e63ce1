package corpus

import (
	"fmt"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// BenchmarkAnalyze measures detect.Run + verify.Verify on one run of 1,000
// and 10,000 calls with about 2 KB of content per call (targets, end to
// end including the ClickHouse fetch: ≤ 1 s and ≤ 10 s).
func BenchmarkAnalyze(b *testing.B) {
	prices := pricing.Default()
	for _, n := range []int{1_000, 10_000} {
		r := Large(7, n, 2048, prices)
		b.Run(fmt.Sprintf("calls=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			found := 0
			for b.Loop() {
				v, _ := verify.Verify(r, detect.Run(r, prices), prices)
				found = len(v)
			}
			b.ReportMetric(float64(found), "findings")
		})
	}
}
