package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// The WHERE TraceId = {trace:String} predicates below are served by each
// table's idx_trace_id bloom filter; only the columns the analyzer uses are
// read, named by the schema package's llm_calls columns.
var selectCalls = "SELECT " + strings.Join([]string{schema.CallTimestamp, schema.CallSpanID, schema.CallParentSpanID,
	schema.CallServiceName, schema.CallWorkflow, schema.CallAgent, schema.CallOperation, schema.CallProvider,
	schema.CallRequestModel, schema.CallResponseModel, schema.CallInputTokens, schema.CallOutputTokens,
	schema.CallCacheReadTokens, schema.CallCacheWriteTokens, schema.CallReasoningTokens, schema.CallCostUSD,
	schema.CallInputCostUSD, schema.CallOutputCostUSD, schema.CallPriceVersion, schema.CallPriceStatus,
	schema.CallDuration, schema.CallTimeToFirstChunk, schema.CallStream, schema.CallFinishReasons,
	schema.CallStatusCode, schema.CallErrorType, schema.CallSystemInstructions, schema.CallInputMessages,
	schema.CallOutputMessages, schema.CallContentPolicy, schema.CallPromptHash, schema.CallPromptSimHash,
	schema.CallSystemHash, schema.CallPrefixHash}, ", ") + `
FROM ` + schema.TableLLMCalls + ` WHERE ` + schema.CallTraceID + ` = {trace:String}
ORDER BY ` + schema.CallTimestamp + `, ` + schema.CallSpanID

const selectSpans = `SELECT Timestamp, SpanId, ParentSpanId, SpanName, ServiceName,
 SpanAttributes['gen_ai.operation.name'], SpanAttributes['gen_ai.agent.name'],
 SpanAttributes['gen_ai.tool.name'], SpanAttributes['gen_ai.workflow.name'], Duration, StatusCode
FROM ` + schema.TableTraces + ` WHERE TraceId = {trace:String}
ORDER BY Timestamp, SpanId`

// LoadRun reads one run: its spans from otel_traces and its LLM calls from
// llm_calls, built into a tree with calls numbered #1…#N (run.Run.Build).
// traceID must be valid (NormalizeTraceID); a trace with neither spans nor
// calls returns an error wrapping ErrNotFound.
func (s *Store) LoadRun(ctx context.Context, traceID string) (*run.Run, error) {
	id, err := NormalizeTraceID(traceID)
	if err != nil {
		return nil, err
	}
	qctx := params(ctx, map[string]string{"trace": id})
	r := &run.Run{TraceID: id}
	if r.Calls, err = s.loadCalls(qctx); err != nil {
		return nil, err
	}
	if r.Spans, err = s.loadSpans(qctx, r); err != nil {
		return nil, err
	}
	if len(r.Calls) == 0 && len(r.Spans) == 0 {
		return nil, fmt.Errorf("trace %s %w", id, ErrNotFound)
	}
	roots := r.Build()
	if r.Service == "" && len(roots) > 0 {
		r.Service = roots[0].Service
	}
	for _, c := range r.Calls {
		if r.Workflow == "" && c.Workflow != "" {
			r.Workflow = c.Workflow
		}
		if r.Service == "" {
			r.Service = c.Service
		}
	}
	return r, nil
}

func (s *Store) loadCalls(ctx context.Context) ([]*run.Call, error) {
	rows, err := s.conn.Query(ctx, selectCalls)
	if err != nil {
		return nil, s.wrap("read llm_calls", err)
	}
	defer rows.Close()
	var calls []*run.Call
	for rows.Next() {
		c := &run.Call{}
		var in, out, cr, cw, reason, dur, ttfc, simhash uint64
		var cost, inCost, outCost decimal.Decimal
		var status string
		if err := rows.Scan(&c.Timestamp, &c.SpanID, &c.ParentSpanID, &c.Service, &c.Workflow, &c.Agent,
			&c.Operation, &c.Provider, &c.RequestModel, &c.ResponseModel, &in, &out, &cr, &cw, &reason,
			&cost, &inCost, &outCost, &c.PriceVersion, &status, &dur, &ttfc, &c.Stream, &c.FinishReasons,
			&c.StatusCode, &c.ErrorType, &c.SystemInstructions, &c.InputMessages, &c.OutputMessages,
			&c.ContentPolicy, &c.PromptHash, &simhash, &c.SystemHash, &c.PrefixHash); err != nil {
			return nil, s.wrap("scan llm_calls row", err)
		}
		for _, t := range []struct {
			dst  *int64
			src  uint64
			name string
		}{{&c.Usage.InputTokens, in, "InputTokens"}, {&c.Usage.OutputTokens, out, "OutputTokens"},
			{&c.Usage.CacheReadTokens, cr, "CacheReadTokens"}, {&c.Usage.CacheWriteTokens, cw, "CacheWriteTokens"},
			{&c.Usage.ReasoningTokens, reason, "ReasoningTokens"}} {
			var ok bool
			if *t.dst, ok = run.TokenCount(t.src); !ok {
				c.BadTokenCounts = append(c.BadTokenCounts, t.name)
			}
		}
		c.PromptSimHash = simhash
		c.PriceStatus = pricing.Status(status)
		c.Duration, c.TimeToFirstChunk = time.Duration(dur), time.Duration(ttfc)
		for _, p := range []struct {
			dst  *pricing.USD
			src  decimal.Decimal
			name string
		}{{&c.Cost, cost, "CostUSD"}, {&c.InputCost, inCost, "InputCostUSD"}, {&c.OutputCost, outCost, "OutputCostUSD"}} {
			if *p.dst, err = toUSD(p.src, p.name); err != nil {
				return nil, fmt.Errorf("llm_calls span %s: %w", c.SpanID, err)
			}
		}
		calls = append(calls, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read llm_calls", err)
	}
	return calls, nil
}

func (s *Store) loadSpans(ctx context.Context, r *run.Run) ([]*run.Span, error) {
	rows, err := s.conn.Query(ctx, selectSpans)
	if err != nil {
		return nil, s.wrap("read otel_traces", err)
	}
	defer rows.Close()
	var spans []*run.Span
	for rows.Next() {
		sp := &run.Span{}
		var agent, tool, workflow string
		var dur uint64
		if err := rows.Scan(&sp.Start, &sp.SpanID, &sp.ParentSpanID, &sp.Name, &sp.Service, &sp.Operation,
			&agent, &tool, &workflow, &dur, &sp.StatusCode); err != nil {
			return nil, s.wrap("scan otel_traces row", err)
		}
		sp.Duration = time.Duration(dur)
		sp.Agent, sp.Tool = agent, tool
		if r.Workflow == "" && workflow != "" {
			r.Workflow = workflow
		}
		spans = append(spans, sp)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read otel_traces", err)
	}
	return spans, nil
}
