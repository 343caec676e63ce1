package kaizenclickhouseexporter

import (
	"fmt"

	"github.com/cespare/xxhash/v2"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// idHash accumulates the trace and span ids of a table's rows in order.
// Equal batches (a retry of the same push, or the same spans sent again)
// give equal tokens, so ClickHouse's insert deduplication drops the
// repeat instead of storing the rows twice.
type idHash struct {
	d *xxhash.Digest
	n int
}

func (h *idHash) add(t pcommon.TraceID, s pcommon.SpanID) {
	if h.d == nil {
		h.d = xxhash.New()
	}
	var buf [24]byte
	copy(buf[:16], t[:])
	copy(buf[16:], s[:])
	_, _ = h.d.Write(buf[:])
	h.n++
}

// token returns the insert_deduplication_token of the rows for table.
func (h *idHash) token(table string) string {
	var sum uint64
	if h.d != nil {
		sum = h.d.Sum64()
	}
	return fmt.Sprintf("kaizen-%s-%016x-%d", table, sum, h.n)
}
