package cli

import (
	"context"
	"fmt"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// BenchmarkOfflineAnalysis measures what `kaizen analyze --offline` spends
// on a run of N calls with 2 KB of content per call: the fetch from the
// embedded ClickHouse (HTTP), detect and verify. Targets: 1,000 calls ≤ 1 s,
// 10,000 calls ≤ 10 s.
func BenchmarkOfflineAnalysis(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("calls=%d", n), func(b *testing.B) {
			dsn := storetest.NewDatabase(b)
			r := storetest.Synthetic(fmt.Sprintf("%032x", n), n, 2048)
			storetest.InsertRun(b, dsn, r)
			ctx := context.Background()
			s, err := store.Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			prices := pricing.Default()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				got, err := s.LoadRun(ctx, r.TraceID)
				if err != nil || len(got.Calls) != n {
					b.Fatalf("load: %v (%d calls)", err, len(got.Calls))
				}
				verified, _ := verify.Verify(got, detect.Run(got, prices), prices)
				_ = verify.Summarize(got, verified)
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/analysis")
		})
	}
}
