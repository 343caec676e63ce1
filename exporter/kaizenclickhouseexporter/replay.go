package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// clockSkew is added to the start time so that spans from before a restart
// whose client clock ran ahead of the collector's are still checked.
const clockSkew = time.Minute

// maxCheckTraces bounds the trace ids one check query binds, so that its
// parameters (sent in the URL over HTTP) stay near 40 KB.
const maxCheckTraces = 1000

// tableBatch is one table's part of a push, as it is inserted, with the
// ids and times of its rows that the replay filter reads.
type tableBatch struct {
	table    string
	cols     []any
	n        int
	token    string
	traceID  []string
	spanID   []string
	start    []time.Time
	duration []uint64
}

// batches returns both tables' parts of r: otel_traces, then llm_calls.
func (r *rows) batches() []tableBatch {
	return []tableBatch{{
		table: schema.TableTraces, cols: r.traces.columns(), n: r.traces.len(),
		token:   r.traces.ids.token(schema.TableTraces),
		traceID: r.traces.traceID, spanID: r.traces.spanID, start: r.traces.timestamp, duration: r.traces.duration,
	}, {
		table: schema.TableLLMCalls, cols: r.calls.columns(), n: r.calls.len(),
		token:   r.calls.ids.token(schema.TableLLMCalls),
		traceID: r.calls.traceID, spanID: r.calls.spanID, start: r.calls.timestamp, duration: r.calls.duration,
	}}
}

// candidates returns the rows of spans that ended before cutoff: only those
// can have been pushed by an earlier run.
func (b *tableBatch) candidates(cutoff time.Time) []int {
	var out []int
	for i, ts := range b.start {
		if ts.Add(time.Duration(b.duration[i])).Before(cutoff) {
			out = append(out, i)
		}
	}
	return out
}

// replayFilter drops, before insert, the rows a table already holds among
// those of spans that ended before this exporter started. Replays of an
// earlier run's pushes (a persistent queue's after a crash, a client's
// late retry) arrive merged into new batches whose deduplication tokens
// ClickHouse cannot match, and a row dropped before insert is never seen
// by a reader or a materialized view.
type replayFilter struct {
	conn     driver.Conn
	database string
	cutoff   time.Time
	// lane lets one push with rows to check at a time check and insert, so
	// that two copies of a row in concurrent pushes are not both inserted.
	lane chan struct{}
}

func newReplayFilter(conn driver.Conn, database string, started time.Time) *replayFilter {
	return &replayFilter{conn: conn, database: database, cutoff: started.Add(clockSkew), lane: make(chan struct{}, 1)}
}

// filter removes from batches the rows already stored, and repeats of a
// row within the push, among the rows to check. It returns how many rows
// it dropped per batch and a release to call once the inserts are over.
func (f *replayFilter) filter(ctx context.Context, batches []tableBatch) (release func(), dropped []int, err error) {
	check := make([][]int, len(batches))
	total := 0
	for t := range batches {
		check[t] = batches[t].candidates(f.cutoff)
		total += len(check[t])
	}
	dropped = make([]int, len(batches))
	if total == 0 {
		return func() {}, dropped, nil
	}
	select {
	case f.lane <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("wait for another push's replay check, nothing inserted: %w", ctx.Err())
	}
	release = func() { <-f.lane }
	for t := range batches {
		if len(check[t]) == 0 {
			continue
		}
		b := &batches[t]
		stored, err := f.stored(ctx, b, check[t])
		if err != nil {
			release()
			return nil, nil, fmt.Errorf("check which of %d rows %s already holds, nothing inserted: %w", len(check[t]), b.table, err)
		}
		keep := make([]bool, b.n)
		for i := range keep {
			keep[i] = true
		}
		seen := make(map[string]struct{}, len(check[t]))
		for _, i := range check[t] {
			key := b.traceID[i] + b.spanID[i]
			_, dup := seen[key]
			if _, ok := stored[key]; ok || dup {
				keep[i] = false
				dropped[t]++
			}
			seen[key] = struct{}{}
		}
		if dropped[t] > 0 {
			*b = b.keep(keep, b.n-dropped[t])
		}
	}
	return release, dropped, nil
}

// stored returns the TraceId+SpanId of the rows of b's table in the traces
// of rows, queried by trace id (the tables' bloom filter index) within the
// rows' Timestamp range (the day partitions that can hold them).
func (f *replayFilter) stored(ctx context.Context, b *tableBatch, rows []int) (map[string]struct{}, error) {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(i, j int) int { return strings.Compare(b.traceID[i], b.traceID[j]) })
	q := fmt.Sprintf("SELECT TraceId, SpanId FROM `%s`.`%s` WHERE Timestamp >= fromUnixTimestamp64Nano({lo:Int64}) "+
		"AND Timestamp <= fromUnixTimestamp64Nano({hi:Int64}) AND TraceId IN {traces:Array(String)}", f.database, b.table)
	out := map[string]struct{}{}
	for len(rows) > 0 {
		var ids strings.Builder
		lo, hi := b.start[rows[0]], b.start[rows[0]]
		n, end := 0, 0
		for ; end < len(rows); end++ {
			i := rows[end]
			if end == 0 || b.traceID[i] != b.traceID[rows[end-1]] {
				if n == maxCheckTraces {
					break
				}
				if n > 0 {
					ids.WriteByte(',')
				}
				ids.WriteString("'" + b.traceID[i] + "'") // pcommon's hex: nothing to escape
				n++
			}
			lo, hi = minTime(lo, b.start[i]), maxTime(hi, b.start[i])
		}
		params := clickhouse.Parameters{
			"lo": strconv.FormatInt(lo.UnixNano(), 10), "hi": strconv.FormatInt(hi.UnixNano(), 10),
			"traces": "[" + ids.String() + "]",
		}
		if err := f.collect(clickhouse.Context(ctx, clickhouse.WithParameters(params)), q, out); err != nil {
			return nil, err
		}
		rows = rows[end:]
	}
	return out, nil
}

// collect adds the TraceId+SpanId of every row q returns to out.
func (f *replayFilter) collect(ctx context.Context, q string, out map[string]struct{}) error {
	rs, err := f.conn.Query(ctx, q)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var traceID, spanID string
		if err := rs.Scan(&traceID, &spanID); err != nil {
			return err
		}
		out[traceID+spanID] = struct{}{}
	}
	return rs.Err()
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// keep returns b with only the n rows where keep is true, and the token of
// those rows.
func (b *tableBatch) keep(keep []bool, n int) tableBatch {
	var h idHash
	for i, k := range keep {
		if k {
			h.addHex(b.traceID[i], b.spanID[i])
		}
	}
	out := tableBatch{
		table: b.table, cols: make([]any, len(b.cols)), n: n, token: h.token(b.table),
		traceID: keepSlice(b.traceID, keep, n), spanID: keepSlice(b.spanID, keep, n),
		start: keepSlice(b.start, keep, n), duration: keepSlice(b.duration, keep, n),
	}
	for c, col := range b.cols {
		out.cols[c] = keepColumn(col, keep, n)
	}
	return out
}

// keepColumn returns the n values of a column slice where keep is true; the
// common column types are cut without reflection.
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
