package e2e

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
)

// Open connects clickhouse-go over HTTP to a ClickHouse HTTP interface at
// addr (host:port), database db, as u.
func Open(addr, db string, u chserver.User) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol: clickhouse.HTTP, Addr: []string{addr}, Auth: clickhouse.Auth{Database: db, Username: u.Name, Password: u.Password},
		DialTimeout: 5 * time.Second, ReadTimeout: time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("open clickhouse-go on %s/%s: %w", addr, db, err)
	}
	return conn, nil
}

// CollectorWriter is the writer account a collector running
// collector/config.yaml generated under its data directory.
func CollectorWriter(dataDir string) (chserver.User, error) {
	pw, err := credentials.Read(filepath.Join(credentials.Dir(filepath.Join(dataDir, "chdb")), credentials.WriterFile))
	if err != nil {
		return chserver.User{}, fmt.Errorf("collector credentials: %w", err)
	}
	return chserver.User{Name: credentials.WriterUser, Password: pw, Role: chserver.RoleWriter}, nil
}

// SpanCounts returns how many otel_traces rows each (trace id, span id) has.
func SpanCounts(ctx context.Context, conn driver.Conn, table string) (map[SpanKey]uint64, error) {
	rows, err := conn.Query(ctx, "SELECT TraceId, SpanId, count() FROM "+table+" GROUP BY TraceId, SpanId")
	if err != nil {
		return nil, fmt.Errorf("count rows of %s: %w", table, err)
	}
	defer rows.Close()
	out := map[SpanKey]uint64{}
	for rows.Next() {
		var k SpanKey
		var n uint64
		if err := rows.Scan(&k.TraceID, &k.SpanID, &n); err != nil {
			return nil, fmt.Errorf("scan %s: %w", table, err)
		}
		out[k] = n
	}
	return out, rows.Err()
}

// storedCall is an llm_calls row as read back.
type storedCall struct {
	Call
	Count      uint64
	CostPico   int64
	PriceState string
}

func loadCalls(ctx context.Context, conn driver.Conn) (map[SpanKey]storedCall, error) {
	rows, err := conn.Query(ctx, `SELECT TraceId, SpanId, count(), any(Workflow), any(Agent), any(Provider),
		any(InputTokens), any(OutputTokens), any(CacheReadTokens), any(CacheWriteTokens), any(ReasoningTokens),
		any(CostUSD), any(PriceStatus) FROM llm_calls GROUP BY TraceId, SpanId`)
	if err != nil {
		return nil, fmt.Errorf("read llm_calls: %w", err)
	}
	defer rows.Close()
	out := map[SpanKey]storedCall{}
	for rows.Next() {
		var c storedCall
		var in, outp, cr, cw, rs uint64
		var cost decimal.Decimal
		if err := rows.Scan(&c.TraceID, &c.SpanID, &c.Count, &c.Workflow, &c.Agent, &c.Provider,
			&in, &outp, &cr, &cw, &rs, &cost, &c.PriceState); err != nil {
			return nil, fmt.Errorf("scan llm_calls: %w", err)
		}
		c.Usage = pricing.Usage{InputTokens: int64(in), OutputTokens: int64(outp), CacheReadTokens: int64(cr),
			CacheWriteTokens: int64(cw), ReasoningTokens: int64(rs)}
		c.CostPico = cost.Shift(12).IntPart()
		out[c.SpanKey] = c
	}
	return out, rows.Err()
}

// Verify checks that every expected span is in otel_traces exactly once and
// every expected call is in llm_calls exactly once with its tokens,
// workflow, agent, provider and the exact cost internal/domain/pricing gives. It
// returns every mismatch.
func Verify(ctx context.Context, conn driver.Conn, e Expect) error {
	spans, err := SpanCounts(ctx, conn, "otel_traces")
	if err != nil {
		return err
	}
	calls, err := loadCalls(ctx, conn)
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range sortedKeys(e.Spans) {
		if n := spans[k]; n != 1 {
			errs = append(errs, fmt.Errorf("otel_traces: span %s/%s stored %d times, want 1", k.TraceID, k.SpanID, n))
		}
	}
	prices := pricing.Default()
	for _, want := range e.Calls {
		got, ok := calls[want.SpanKey]
		if !ok {
			errs = append(errs, fmt.Errorf("llm_calls: call %s/%s (%s) missing", want.TraceID, want.SpanID, want.Model))
			continue
		}
		cost := prices.Price(want.Provider, want.Model, want.Usage)
		wantRow := storedCall{Call: want, Count: 1, CostPico: cost.Total.Pico(), PriceState: string(cost.Status)}
		wantRow.Model, got.Model = "", ""
		if cost.Status != pricing.StatusPriced {
			errs = append(errs, fmt.Errorf("llm_calls: expected call %s/%s/%s is not priced by internal/domain/pricing: %s", want.SpanID, want.Provider, want.Model, cost.Reason))
		}
		if got != wantRow {
			errs = append(errs, fmt.Errorf("llm_calls: call %s/%s (%s):\n got  %+v\n want %+v", want.TraceID, want.SpanID, want.Model, got, wantRow))
		}
	}
	return errors.Join(errs...)
}

// WaitVerified polls Verify until it passes or timeout elapses, returning
// the last mismatch.
func WaitVerified(ctx context.Context, conn driver.Conn, e Expect, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := Verify(ctx, conn, e)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func sortedKeys(m map[SpanKey]bool) []SpanKey {
	keys := make([]SpanKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b SpanKey) int {
		if a.TraceID != b.TraceID {
			if a.TraceID < b.TraceID {
				return -1
			}
			return 1
		}
		switch {
		case a.SpanID < b.SpanID:
			return -1
		case a.SpanID > b.SpanID:
			return 1
		}
		return 0
	})
	return keys
}
