package kaizenclickhouseexporter

import (
	"encoding/hex"
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

// addHex adds a row's ids in pcommon's hex form, as the columns hold them.
func (h *idHash) addHex(traceID, spanID string) {
	var t pcommon.TraceID
	var s pcommon.SpanID
	// The columns are pcommon's own String() output, so always valid hex.
	_, _ = hex.Decode(t[:], []byte(traceID))
	_, _ = hex.Decode(s[:], []byte(spanID))
	h.add(t, s)
}

// token returns the insert_deduplication_token of the rows for table.
func (h *idHash) token(table string) string {
	var sum uint64
	if h.d != nil {
		sum = h.d.Sum64()
	}
	return fmt.Sprintf("kaizen-%s-%016x-%d", table, sum, h.n)
}
