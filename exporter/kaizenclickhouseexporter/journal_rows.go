package kaizenclickhouseexporter

import (
	"encoding/hex"
	"fmt"
	"reflect"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// tableBatch is one table's part of a push, as it is inserted.
type tableBatch struct {
	cols  []any
	n     int
	token string
}

// batches returns both tables' parts of r unchanged, indexed like
// journalTables.
func (r *rows) batches() [numTables]tableBatch {
	return [numTables]tableBatch{
		tabTraces: {cols: r.traces.columns(), n: r.traces.len(), token: r.traces.ids.token(journalTables[tabTraces])},
		tabCalls:  {cols: r.calls.columns(), n: r.calls.len(), token: r.calls.ids.token(journalTables[tabCalls])},
	}
}

// journalIDs returns the id and time range of every row of both tables,
// read from the columns as they are inserted.
func (r *rows) journalIDs() ([numTables]tableIDs, error) {
	var out [numTables]tableIDs
	var err error
	if out[tabTraces], err = columnIDs(journalTables[tabTraces], r.traces.traceID, r.traces.spanID, r.traces.timestamp); err != nil {
		return out, err
	}
	out[tabCalls], err = columnIDs(journalTables[tabCalls], r.calls.traceID, r.calls.spanID, r.calls.timestamp)
	return out, err
}

// columnIDs decodes the hex TraceId and SpanId columns of a table.
func columnIDs(table string, traceIDs, spanIDs []string, ts []time.Time) (tableIDs, error) {
	t := tableIDs{ids: make([]rowID, 0, len(traceIDs))}
	for i := range traceIDs {
		id, err := parseRowID(traceIDs[i], spanIDs[i])
		if err != nil {
			return t, fmt.Errorf("row %d of %s: %w", i, table, err)
		}
		t.add(id, ts[i].UnixNano())
	}
	return t, nil
}

// parseRowID decodes a row's hex TraceId (32 digits) and SpanId (16).
func parseRowID(traceID, spanID string) (rowID, error) {
	var id rowID
	if len(traceID) != 32 || len(spanID) != 16 {
		return id, fmt.Errorf("malformed ids %q/%q", traceID, spanID)
	}
	if _, err := hex.Decode(id[:16], []byte(traceID)); err != nil {
		return id, fmt.Errorf("malformed trace id %q: %w", traceID, err)
	}
	if _, err := hex.Decode(id[16:], []byte(spanID)); err != nil {
		return id, fmt.Errorf("malformed span id %q: %w", spanID, err)
	}
	return id, nil
}

// keepRows returns b without the rows where keep is false, with the token
// of the rows kept (ids holds every row's id).
func keepRows(b tableBatch, table string, ids []rowID, keep []bool) tableBatch {
	n := 0
	var h idHash
	for i, k := range keep {
		if k {
			n++
			h.add(pcommon.TraceID(ids[i][:16]), pcommon.SpanID(ids[i][16:]))
		}
	}
	out := tableBatch{cols: make([]any, len(b.cols)), n: n, token: h.token(table)}
	for c, col := range b.cols {
		out.cols[c] = keepColumn(col, keep, n)
	}
	return out
}

// keepColumn returns the n values of a column slice where keep is true.
// The common column types are cut without reflection (a replay cuts every
// column of every batch); any other slice type is cut by reflection.
func keepColumn(col any, keep []bool, n int) any {
	switch c := col.(type) {
	case []string:
		return keepSlice(c, keep, n)
	case []uint64:
		return keepSlice(c, keep, n)
	case []time.Time:
		return keepSlice(c, keep, n)
	case []column.IterableOrderedMap:
		return keepSlice(c, keep, n)
	case [][]string:
		return keepSlice(c, keep, n)
	case [][]time.Time:
		return keepSlice(c, keep, n)
	case [][]column.IterableOrderedMap:
		return keepSlice(c, keep, n)
	}
	v := reflect.ValueOf(col)
	kept := reflect.MakeSlice(v.Type(), 0, n)
	for i, k := range keep {
		if k {
			kept = reflect.Append(kept, v.Index(i))
		}
	}
	return kept.Interface()
}

func keepSlice[T any](s []T, keep []bool, n int) []T {
	out := make([]T, 0, n)
	for i, k := range keep {
		if k {
			out = append(out, s[i])
		}
	}
	return out
}
