package store

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// RunSummary is one line of `kaizen traces`.
type RunSummary struct {
	TraceID  string
	Workflow string
	Service  string
	Start    time.Time
	Calls    int
	Tokens   int64
	// BadTokenCounts is how many token counts of the run were out of range
	// (above run.MaxTokens) and counted as 0 in Tokens.
	BadTokenCounts int
	Cost           pricing.USD
	// Gaps counts the calls Cost leaves out (unpriced) or prices in part.
	Gaps run.PriceGaps
	// LastAnalysis is the newest analysis of the run (nil when never analyzed).
	LastAnalysis *AnalysisStatus
}

// AnalysisStatus is the latest state of one analysis.
type AnalysisStatus struct {
	AnalysisID string
	Status     Status
	Savings    pricing.USD
	UpdatedAt  time.Time
}

// Filter selects runs for ListRuns.
type Filter struct {
	// Since and Until keep runs that started in [Since, Until) (zero: no bound).
	Since, Until time.Time
	// Workflow, Service and Model keep runs of this workflow, of this
	// service, and with a call to this model (requested or answering);
	// "" keeps every one.
	Workflow, Service, Model string
	// MinCost keeps runs that cost at least this much.
	MinCost pricing.USD
	// Analyzed keeps only runs whose newest analysis is analyzed (true) or
	// runs without one (false); nil keeps both.
	Analyzed *bool
	// Limit caps the number of runs (the newest first); 0 means 20.
	// Offset skips that many runs first.
	Limit, Offset int
}

// Token counts above {max:UInt64} (run.MaxTokens) are counted as 0 and
// counted apart; the rest are summed as UInt128, which cannot wrap.
const listRuns = `SELECT TraceId, anyIf(Workflow, Workflow != ''), any(ServiceName), min(Timestamp), count(),
 sum(toUInt128(if(InputTokens <= {max:UInt64}, InputTokens, 0)) + toUInt128(if(OutputTokens <= {max:UInt64}, OutputTokens, 0))),
 countIf(InputTokens > {max:UInt64}) + countIf(OutputTokens > {max:UInt64}), sum(CostUSD),
 countIf(PriceStatus = 'unpriced'), countIf(PriceStatus = 'partial')
FROM ` + schema.TableLLMCalls + `
WHERE Timestamp >= {since:DateTime64(9)} AND ({workflow:String} = '' OR Workflow = {workflow:String})
  AND ({service:String} = '' OR ServiceName = {service:String})
GROUP BY TraceId
HAVING min(Timestamp) < {until:DateTime64(9)} AND sum(CostUSD) >= {min_cost:Decimal(18, 12)}
  AND ({model:String} = '' OR countIf(RequestModel = {model:String} OR ResponseModel = {model:String}) > 0)
  AND ({analyzed:Int8} = -1 OR (TraceId IN (
    SELECT TraceId FROM ` + schema.TableAnalyses + ` GROUP BY TraceId
    HAVING argMax(Status, (CreatedAt, UpdatedAt)) = 'analyzed')) = {analyzed:Int8})
ORDER BY min(Timestamp) DESC, TraceId LIMIT {limit:UInt32} OFFSET {offset:UInt32}`

// The newest analysis per trace: the latest CreatedAt, and of its version
// rows the latest UpdatedAt (analyses is a ReplacingMergeTree on UpdatedAt).
const lastAnalyses = `SELECT TraceId, argMax(AnalysisId, (CreatedAt, UpdatedAt)), argMax(Status, (CreatedAt, UpdatedAt)),
 argMax(SavingsUSD, (CreatedAt, UpdatedAt)), max(UpdatedAt)
FROM ` + schema.TableAnalyses + ` WHERE has({traces:Array(String)}, TraceId) GROUP BY TraceId`

// ListRuns returns recent runs, newest first, with their last analysis.
func (s *Store) ListRuns(ctx context.Context, f Filter) ([]RunSummary, error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	analyzed := "-1"
	if f.Analyzed != nil {
		analyzed = map[bool]string{true: "1", false: "0"}[*f.Analyzed]
	}
	qctx := params(ctx, map[string]string{
		"since":    ts9(f.Since),
		"until":    ts9(untilOrMax(f.Until)),
		"workflow": f.Workflow,
		"service":  f.Service,
		"model":    f.Model,
		"min_cost": f.MinCost.String(),
		"analyzed": analyzed,
		"limit":    strconv.Itoa(f.Limit),
		"offset":   strconv.Itoa(max(f.Offset, 0)),
		"max":      strconv.FormatUint(run.MaxTokens, 10),
	})
	rows, err := s.conn.Query(qctx, listRuns)
	if err != nil {
		return nil, s.wrap("list runs from llm_calls", err)
	}
	defer rows.Close()
	var out []RunSummary
	index := map[string]int{}
	for rows.Next() {
		var rs RunSummary
		var calls, bad, unpriced, partial uint64
		var tokens big.Int
		var cost decimal.Decimal
		if err := rows.Scan(&rs.TraceID, &rs.Workflow, &rs.Service, &rs.Start, &calls, &tokens, &bad, &cost, &unpriced, &partial); err != nil {
			return nil, s.wrap("scan run summary", err)
		}
		rs.Calls, rs.BadTokenCounts = int(min(calls, math.MaxInt32)), int(min(bad, math.MaxInt32))
		rs.Gaps = run.PriceGaps{Unpriced: int(min(unpriced, math.MaxInt32)), Partial: int(min(partial, math.MaxInt32))}
		if tokens.IsInt64() {
			rs.Tokens = tokens.Int64()
		} else {
			// Only reachable with ~1e7 calls at MaxTokens each: flag the whole sum.
			rs.BadTokenCounts++
		}
		if rs.Cost, err = toUSD(cost, "sum(CostUSD)"); err != nil {
			return nil, fmt.Errorf("run %s: %w", rs.TraceID, err)
		}
		index[rs.TraceID] = len(out)
		out = append(out, rs)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list runs from llm_calls", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	return out, s.attachAnalyses(ctx, out, index)
}

func (s *Store) attachAnalyses(ctx context.Context, runs []RunSummary, index map[string]int) error {
	ids := make([]string, 0, len(runs))
	for _, r := range runs {
		ids = append(ids, quoteLiteral(r.TraceID))
	}
	qctx := params(ctx, map[string]string{"traces": "[" + strings.Join(ids, ",") + "]"})
	rows, err := s.conn.Query(qctx, lastAnalyses)
	if err != nil {
		return s.wrap("read analyses", err)
	}
	defer rows.Close()
	for rows.Next() {
		var trace, status string
		a := &AnalysisStatus{}
		var savings decimal.Decimal
		var id uuid.UUID
		if err := rows.Scan(&trace, &id, &status, &savings, &a.UpdatedAt); err != nil {
			return s.wrap("scan analyses row", err)
		}
		a.AnalysisID, a.Status = id.String(), Status(status)
		if a.Savings, err = toUSD(savings, "SavingsUSD"); err != nil {
			return fmt.Errorf("analysis of %s: %w", trace, err)
		}
		if i, ok := index[trace]; ok {
			runs[i].LastAnalysis = a
		}
	}
	return s.wrap("read analyses", rows.Err())
}

// quoteLiteral quotes s as a ClickHouse string literal, the syntax of
// Array(String) parameter values.
func quoteLiteral(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
