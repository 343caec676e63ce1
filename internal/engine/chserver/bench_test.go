package chserver_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// llmCallsDDL is a local table shaped like kaizen's llm_calls: timestamps,
// ids, ~200-byte strings, several UInt64 and Decimal columns and a Map.
const llmCallsDDL = `CREATE TABLE %s (
	Timestamp DateTime64(9), TraceId String, SpanId String, ParentSpanId String,
	ServiceName LowCardinality(String), Workflow String, Agent String, Operation LowCardinality(String),
	Provider LowCardinality(String), RequestModel LowCardinality(String), ResponseModel LowCardinality(String),
	InputTokens UInt64, OutputTokens UInt64, CacheReadTokens UInt64, CacheWriteTokens UInt64, ReasoningTokens UInt64,
	CostUSD Decimal(18, 9), InputCostUSD Decimal(18, 9), OutputCostUSD Decimal(18, 9),
	DurationNs UInt64, Stream Bool, SystemHash String, Input String, Output String,
	Attributes Map(LowCardinality(String), String)
) ENGINE = MergeTree ORDER BY (ServiceName, Timestamp)`

var llmColumns = []struct{ name, typ string }{
	{"Timestamp", "DateTime64(9)"}, {"TraceId", "String"}, {"SpanId", "String"}, {"ParentSpanId", "String"},
	{"ServiceName", "LowCardinality(String)"}, {"Workflow", "String"}, {"Agent", "String"}, {"Operation", "LowCardinality(String)"},
	{"Provider", "LowCardinality(String)"}, {"RequestModel", "LowCardinality(String)"}, {"ResponseModel", "LowCardinality(String)"},
	{"InputTokens", "UInt64"}, {"OutputTokens", "UInt64"}, {"CacheReadTokens", "UInt64"}, {"CacheWriteTokens", "UInt64"}, {"ReasoningTokens", "UInt64"},
	{"CostUSD", "Decimal(18, 9)"}, {"InputCostUSD", "Decimal(18, 9)"}, {"OutputCostUSD", "Decimal(18, 9)"},
	{"DurationNs", "UInt64"}, {"Stream", "Bool"}, {"SystemHash", "String"}, {"Input", "String"}, {"Output", "String"},
	{"Attributes", "Map(LowCardinality(String), String)"},
}

// llmRow returns row i's values in llmColumns order.
func llmRow(i int) []any {
	text := fmt.Sprintf("%-200s", fmt.Sprintf("You are agent %d. Summarize the findings of step %d for the planner.", i%7, i))
	return []any{
		time.Unix(1_780_000_000, int64(i)*1000).UTC(), uuid.NewString(), fmt.Sprintf("%016x", i), fmt.Sprintf("%016x", i/4),
		"checkout-agents", "research", fmt.Sprintf("agent-%d", i%7), "chat",
		"openai", "gpt-4.1", "gpt-4.1-2025-04-14",
		uint64(1200 + i%500), uint64(300 + i%90), uint64(i % 1000), uint64(0), uint64(i % 50),
		decimal.New(int64(1500+i%700), -6), decimal.New(int64(1000+i%500), -6), decimal.New(int64(500+i%200), -6),
		uint64(800_000_000 + i), i%3 == 0, fmt.Sprintf("%016x", i%11), text, text,
		map[string]string{"gen_ai.system": "openai", "server.address": "api.openai.com", "kaizen.price.status": "priced"},
	}
}

const benchRows = 100_000

// BenchmarkInsert100k inserts 100k llm_calls-shaped rows per iteration
// through clickhouse-go HTTP → chserver → chDB ("http"), and the same rows
// encoded once as Native and inserted in-process through internal/engine/chdb
// ("inprocess"), reporting rows/s for each; the top level reports the
// ratio http/inprocess (issue 2 target: ≥ 0.7).
func BenchmarkInsert100k(b *testing.B) {
	rows := llmRows()
	db := chtest.NewDatabase(b)
	chtest.Exec(b, fmt.Sprintf(llmCallsDDL, db+".llm_http"), fmt.Sprintf(llmCallsDDL, db+".llm_local"))
	var httpRate, localRate float64

	b.Run("http", func(b *testing.B) {
		httpRate = batchInsert(b, openHTTP(b, db), "llm_http", rows)
	})

	b.Run("inprocess", func(b *testing.B) {
		conn := chtest.Server().Conn()
		b.ResetTimer()
		for range b.N {
			// Encode the rows as clickhouse-go's batch does, then insert.
			block := proto.NewBlock()
			for _, c := range llmColumns {
				if err := block.AddColumn(c.name, column.Type(c.typ)); err != nil {
					b.Fatal(err)
				}
			}
			for _, r := range rows {
				if err := block.Append(r...); err != nil {
					b.Fatal(err)
				}
			}
			var buf chproto.Buffer
			if err := block.Encode(&buf, 0); err != nil {
				b.Fatal(err)
			}
			if _, err := chserver.InsertData(context.Background(), conn, "INSERT INTO "+db+".llm_local FORMAT Native", buf.Buf); err != nil {
				b.Fatal(err)
			}
		}
		localRate = float64(b.N*benchRows) / b.Elapsed().Seconds()
		b.ReportMetric(localRate, "rows/s")
	})
	if localRate > 0 {
		b.ReportMetric(httpRate/localRate, "http/inprocess")
		b.Logf("http %.0f rows/s, in-process %.0f rows/s, ratio %.2f", httpRate, localRate, httpRate/localRate)
	}
}

// llmRows returns benchRows rows of llmRow.
func llmRows() [][]any {
	rows := make([][]any, benchRows)
	for i := range rows {
		rows[i] = llmRow(i)
	}
	return rows
}

// batchInsert inserts rows into table with clickhouse-go batches, b.N
// times, and returns rows/s.
func batchInsert(b *testing.B, conn driver.Conn, table string, rows [][]any) float64 {
	b.ResetTimer()
	for range b.N {
		insertBatch(b, conn, table, rows)
	}
	rate := float64(b.N*len(rows)) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "rows/s")
	return rate
}

// insertBatch inserts rows into table in one clickhouse-go batch.
func insertBatch(b *testing.B, conn driver.Conn, table string, rows [][]any) {
	batch, err := conn.PrepareBatch(context.Background(), "INSERT INTO "+table)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		if err := batch.Append(r...); err != nil {
			b.Fatal(err)
		}
	}
	if err := batch.Send(); err != nil {
		b.Fatal(err)
	}
}
