package chserver_test

import (
	"context"
	"testing"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
)

// BenchmarkNativeSmallQuery runs a one-row SELECT over one connection per
// compression method: the per-query cost of the native protocol.
func BenchmarkNativeSmallQuery(b *testing.B) {
	addr := startTCP(b, chserver.Config{})
	for _, method := range []string{"none", "lz4", "zstd"} {
		b.Run(method, func(b *testing.B) {
			conn := openTCP(b, "tcp://"+addr+"/default?compress="+method)
			ctx := context.Background()
			var n uint64
			b.ReportAllocs()
			for b.Loop() {
				if err := conn.QueryRow(ctx, "SELECT toUInt64(1)").Scan(&n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
