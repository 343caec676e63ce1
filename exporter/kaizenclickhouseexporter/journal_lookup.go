package kaizenclickhouseexporter

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.uber.org/zap"
)

// lookupChunk bounds the rows one recovery query names: its parameters
// (sent in the URL over HTTP) stay under ~55 KB.
const lookupChunk = 1000

// chStoredRows asks ClickHouse which journaled rows a table holds.
type chStoredRows struct {
	conn     driver.Conn
	database string
	async    bool
	logger   *zap.Logger
	// flushed is set once the async insert queue was flushed (or the
	// server refused to); a recovery asks chunk by chunk, one at a time.
	flushed bool
}

// stored returns the ids of t that table holds. The query is bounded to
// the rows' Timestamp range (the partitions that can hold them, PARTITION
// BY toDate(Timestamp)) and their trace ids (the tables' TraceId bloom
// filter index); span ids narrow the answer and the exact pairs are
// matched here.
func (c *chStoredRows) stored(ctx context.Context, table string, t tableIDs) ([]rowID, error) {
	if c.async && !c.flushed {
		// An async insert the crashed process was waiting for may still be
		// in the server's buffer; flush it so it is seen. Best effort (it
		// needs the SYSTEM FLUSH ASYNC INSERT QUEUE grant): a row not seen
		// is inserted again, never dropped.
		err := c.conn.Exec(ctx, "SYSTEM FLUSH ASYNC INSERT QUEUE")
		var ex *clickhouse.Exception
		c.flushed = err == nil || errors.As(err, &ex)
		if err != nil {
			c.logger.Debug("insert journal: cannot flush the async insert queue", zap.Error(err))
		}
	}
	want := make(map[rowID]struct{}, len(t.ids))
	for _, id := range t.ids {
		want[id] = struct{}{}
	}
	q := fmt.Sprintf("SELECT TraceId, SpanId FROM `%s`.`%s` WHERE Timestamp >= fromUnixTimestamp64Nano({lo:Int64}) "+
		"AND Timestamp <= fromUnixTimestamp64Nano({hi:Int64}) AND TraceId IN {t:Array(String)} AND SpanId IN {s:Array(String)}",
		c.database, table)
	var out []rowID
	for ids := range slices.Chunk(t.ids, lookupChunk) {
		traces, spans := idLists(ids)
		params := clickhouse.Parameters{
			"lo": strconv.FormatInt(t.minTs, 10), "hi": strconv.FormatInt(t.maxTs, 10),
			"t": traces, "s": spans,
		}
		found, err := c.query(clickhouse.Context(ctx, clickhouse.WithParameters(params)), q, want)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// query runs one lookup and returns the wanted ids it finds, each once.
func (c *chStoredRows) query(ctx context.Context, q string, want map[rowID]struct{}) ([]rowID, error) {
	rs, err := c.conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []rowID
	for rs.Next() {
		var traceID, spanID string
		if err := rs.Scan(&traceID, &spanID); err != nil {
			return nil, err
		}
		id, err := parseRowID(traceID, spanID)
		if err != nil {
			continue // not a row this exporter wrote
		}
		if _, ok := want[id]; ok {
			out = append(out, id)
			delete(want, id)
		}
	}
	return out, rs.Err()
}

// idLists renders the distinct trace ids and span ids of ids (sorted by
// trace id) as ClickHouse Array(String) parameter values.
func idLists(ids []rowID) (traces, spans string) {
	var t, s strings.Builder
	t.WriteByte('[')
	s.WriteByte('[')
	seenSpans := make(map[[8]byte]struct{}, len(ids))
	for i, id := range ids {
		if i == 0 || [16]byte(id[:16]) != [16]byte(ids[i-1][:16]) {
			if t.Len() > 1 {
				t.WriteByte(',')
			}
			t.WriteString("'" + hex.EncodeToString(id[:16]) + "'")
		}
		if _, ok := seenSpans[[8]byte(id[16:])]; !ok {
			seenSpans[[8]byte(id[16:])] = struct{}{}
			if s.Len() > 1 {
				s.WriteByte(',')
			}
			s.WriteString("'" + hex.EncodeToString(id[16:]) + "'")
		}
	}
	t.WriteByte(']')
	s.WriteByte(']')
	return t.String(), s.String()
}
