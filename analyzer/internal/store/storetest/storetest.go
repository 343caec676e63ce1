// Package storetest seeds the embedded ClickHouse of a test binary
// (internal/testkit/chtest) with Kaizen's schema and with runs, written into
// otel_traces and llm_calls the way the collector's exporter stores them.
package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
	"github.com/kaizenhq/kaizen/internal/testkit/kaizendb"
)

// NewDatabase creates a fresh database on the shared embedded ClickHouse,
// migrates Kaizen's schema into it and returns its clickhouse-go DSN.
func NewDatabase(t testing.TB) string {
	t.Helper()
	db, _ := kaizendb.New(t)
	return chtest.DSN(db)
}

// Open opens a clickhouse-go connection closed when the test ends.
func Open(t testing.TB, dsn string) driver.Conn { return kaizendb.Open(t, dsn) }

// InsertRun writes r's spans into otel_traces and its calls into llm_calls.
func InsertRun(t testing.TB, dsn string, r *run.Run) {
	t.Helper()
	if err := Insert(context.Background(), Open(t, dsn), r); err != nil {
		t.Fatal(err)
	}
}

// Insert writes r's spans and calls through conn.
func Insert(ctx context.Context, conn driver.Conn, r *run.Run) error {
	spans, err := conn.PrepareBatch(ctx, `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId,
 SpanName, SpanKind, ServiceName, SpanAttributes, Duration, StatusCode)`)
	if err != nil {
		return fmt.Errorf("prepare otel_traces insert: %w", err)
	}
	for _, s := range r.Spans {
		attrs := map[string]string{}
		for k, v := range map[string]string{"gen_ai.operation.name": s.Operation, "gen_ai.agent.name": s.Agent,
			"gen_ai.tool.name": s.Tool} {
			if v != "" {
				attrs[k] = v
			}
		}
		if s.Operation == "invoke_workflow" && r.Workflow != "" {
			attrs["gen_ai.workflow.name"] = r.Workflow
		}
		if err := spans.Append(s.Start, r.TraceID, s.SpanID, s.ParentSpanID, s.Name, "Internal", s.Service, attrs,
			uint64(s.Duration), s.StatusCode); err != nil {
			return fmt.Errorf("append span %s: %w", s.SpanID, err)
		}
	}
	if err := spans.Send(); err != nil {
		return fmt.Errorf("insert otel_traces: %w", err)
	}
	calls, err := conn.PrepareBatch(ctx, `INSERT INTO llm_calls (Timestamp, TraceId, SpanId, ParentSpanId, ServiceName,
 Workflow, Agent, Operation, Provider, RequestModel, ResponseModel, InputTokens, OutputTokens, CacheReadTokens,
 CacheWriteTokens, ReasoningTokens, CostUSD, InputCostUSD, OutputCostUSD, PriceVersion, PriceStatus, Duration,
 TimeToFirstChunk, Stream, FinishReasons, StatusCode, ErrorType, SystemInstructions, InputMessages, OutputMessages,
 ContentPolicy, PromptHash, PromptSimHash, SystemHash, PrefixHash)`)
	if err != nil {
		return fmt.Errorf("prepare llm_calls insert: %w", err)
	}
	dec := func(v interface{ Pico() int64 }) decimal.Decimal { return decimal.New(v.Pico(), -12) }
	for _, c := range r.Calls {
		fr := c.FinishReasons
		if fr == nil {
			fr = []string{}
		}
		if err := calls.Append(c.Timestamp, r.TraceID, c.SpanID, c.ParentSpanID, c.Service, c.Workflow, c.Agent,
			c.Operation, c.Provider, c.RequestModel, c.ResponseModel, uint64(c.Usage.InputTokens),
			uint64(c.Usage.OutputTokens), uint64(c.Usage.CacheReadTokens), uint64(c.Usage.CacheWriteTokens),
			uint64(c.Usage.ReasoningTokens), dec(c.Cost), dec(c.InputCost), dec(c.OutputCost), c.PriceVersion,
			string(c.PriceStatus), uint64(c.Duration), uint64(c.TimeToFirstChunk), c.Stream, fr, c.StatusCode,
			c.ErrorType, c.SystemInstructions, c.InputMessages, c.OutputMessages, c.ContentPolicy, c.PromptHash,
			c.PromptSimHash, c.SystemHash, c.PrefixHash); err != nil {
			return fmt.Errorf("append call %s: %w", c.SpanID, err)
		}
	}
	if err := calls.Send(); err != nil {
		return fmt.Errorf("insert llm_calls: %w", err)
	}
	return nil
}
