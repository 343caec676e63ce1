package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// Ping checks that the store answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.wrap("ping ClickHouse", s.conn.Ping(ctx))
}

// StoredAnalysis is the newest version of one analysis with its findings.
type StoredAnalysis struct {
	*Analysis
	Findings []run.Finding
}

const selectAnalysis = "SELECT " + analysisColumns + " FROM " + schema.TableAnalyses + `
WHERE AnalysisId = {id:UUID} ORDER BY UpdatedAt DESC LIMIT 1`

const selectLatestAnalysis = "SELECT AnalysisId FROM " + schema.TableAnalyses + `
WHERE TraceId = {trace:String} ORDER BY CreatedAt DESC, UpdatedAt DESC LIMIT 1`

// Replayed inserts can repeat a finding row: one per ordinal.
const selectFindings = "SELECT " + findingColumns + " FROM " + schema.TableFindings + `
WHERE TraceId = {trace:String} AND AnalysisId = {id:UUID} ORDER BY Ordinal LIMIT 1 BY Ordinal`

// LoadAnalysis returns the newest version of analysis id, with its
// findings once it is analyzed; an unknown id wraps ErrNotFound.
func (s *Store) LoadAnalysis(ctx context.Context, id uuid.UUID) (*StoredAnalysis, error) {
	qctx := params(ctx, map[string]string{"id": id.String()})
	a, err := scanAnalysis(s.conn.QueryRow(qctx, selectAnalysis))
	if errors.Is(err, errNoRows) {
		return nil, fmt.Errorf("analysis %s %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, s.wrap("read analysis "+id.String(), err)
	}
	sa := &StoredAnalysis{Analysis: a, Findings: []run.Finding{}}
	if a.Status != StatusAnalyzed || a.Findings == 0 {
		return sa, nil
	}
	qctx = params(ctx, map[string]string{"id": id.String(), "trace": a.TraceID})
	rows, err := s.conn.Query(qctx, selectFindings)
	if err != nil {
		return nil, s.wrap("read findings of analysis "+id.String(), err)
	}
	defer rows.Close()
	for rows.Next() {
		f, _, err := scanFinding(rows)
		if err != nil {
			return nil, s.wrap("scan finding of analysis "+id.String(), err)
		}
		sa.Findings = append(sa.Findings, f)
	}
	return sa, s.wrap("read findings of analysis "+id.String(), rows.Err())
}

// LatestAnalysis returns the newest analysis of a trace, whatever its
// status; a trace never analyzed wraps ErrNotFound.
func (s *Store) LatestAnalysis(ctx context.Context, traceID string) (*StoredAnalysis, error) {
	return s.newest(ctx, traceID, selectLatestAnalysis, "analysis")
}

// newest loads the analysis whose id query (one row, {trace:String})
// selects; what names it in errors.
func (s *Store) newest(ctx context.Context, traceID, query, what string) (*StoredAnalysis, error) {
	var id uuid.UUID
	err := s.conn.QueryRow(params(ctx, map[string]string{"trace": traceID}), query).Scan(&id)
	if isNoRows(err) {
		return nil, fmt.Errorf("no %s of trace %s: %w", what, traceID, ErrNotFound)
	}
	if err != nil {
		return nil, s.wrap("read the latest "+what+" of "+traceID, err)
	}
	return s.LoadAnalysis(ctx, id)
}

var errNoRows = errors.New("no rows")

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func scanAnalysis(row driver.Row) (*Analysis, error) {
	a := &Analysis{}
	var status string
	var calls, spans, findings uint32
	var in, out uint64
	var orig, opt, sav, cost decimal.Decimal
	err := row.Scan(&a.ID, &a.TraceID, &a.Workflow, &a.CreatedAt, &a.updatedAt, &status, &a.Mode, &a.Model, &a.AnalyzerVersion,
		&calls, &spans, &a.RunEnd, &orig, &opt, &sav, &findings, &in, &out, &cost, &a.Error)
	if isNoRows(err) {
		return nil, errNoRows
	}
	if err != nil {
		return nil, err
	}
	a.Status, a.Calls, a.RunSpans, a.Findings = Status(status), int(calls), int(spans), int(findings)
	a.AnalysisInputTokens, a.AnalysisOutputTokens = clampInt64(in), clampInt64(out)
	for _, c := range []struct {
		dst  *pricing.USD
		src  decimal.Decimal
		name string
	}{{&a.OriginalCost, orig, "OriginalCostUSD"}, {&a.OptimizedCost, opt, "OptimizedCostUSD"},
		{&a.Savings, sav, "SavingsUSD"}, {&a.AnalysisCost, cost, "AnalysisCostUSD"}} {
		if *c.dst, err = toUSD(c.src, c.name); err != nil {
			return nil, fmt.Errorf("analysis %s: %w", a.ID, err)
		}
	}
	return a, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanFinding reads the findingColumns of one row after prefix.
func scanFinding(row scanner, prefix ...any) (run.Finding, int, error) {
	var f run.Finding
	var ordinal uint32
	var typ, severity, source string
	var calls []uint32
	var savings decimal.Decimal
	dest := append(prefix, &ordinal, &typ, &severity, &f.Confidence, &calls, &f.SpanIDs, &f.Title, &f.Explanation,
		&f.Recommendation, &savings, &source)
	if err := row.Scan(dest...); err != nil {
		return f, 0, err
	}
	f.Type, f.Severity, f.Source = run.Type(typ), run.Severity(severity), run.Source(source)
	for _, n := range calls {
		f.Calls = append(f.Calls, int(n))
	}
	var err error
	f.Savings, err = toUSD(savings, "findings.SavingsUSD")
	return f, int(ordinal), err
}

func clampInt64(v uint64) int64 {
	if v > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(v)
}

// WorkflowSummary is one workflow's runs in a time range.
type WorkflowSummary struct {
	Workflow   string
	Runs       int
	Calls      int
	Cost       pricing.USD
	First      time.Time
	Last       time.Time
	Analyzed   int
	Savings    pricing.USD
	Unanalyzed int
}

// Runs are grouped by trace first so that a run counts once and its
// newest analysis is the one that counts.
const listWorkflows = `SELECT r.Workflow, count(), sum(r.Calls), sum(r.Cost), min(r.Start), max(r.Start),
 countIf(a.Status = 'analyzed'), sumIf(a.Savings, a.Status = 'analyzed')
FROM (
  SELECT TraceId, anyIf(Workflow, Workflow != '') AS Workflow, count() AS Calls, sum(CostUSD) AS Cost, min(Timestamp) AS Start
  FROM ` + schema.TableLLMCalls + ` WHERE Timestamp >= {since:DateTime64(9)}
  GROUP BY TraceId HAVING Start < {until:DateTime64(9)}) AS r
LEFT JOIN (
  SELECT TraceId, argMax(Status, (CreatedAt, UpdatedAt)) AS Status, argMax(SavingsUSD, (CreatedAt, UpdatedAt)) AS Savings
  FROM ` + schema.TableAnalyses + ` WHERE CreatedAt >= {since:DateTime64(9)} GROUP BY TraceId) AS a ON r.TraceId = a.TraceId
GROUP BY r.Workflow ORDER BY sum(r.Cost) DESC, r.Workflow`

// ListWorkflows summarizes the runs that started in [since, until) by
// workflow, the dearest first.
func (s *Store) ListWorkflows(ctx context.Context, since, until time.Time) ([]WorkflowSummary, error) {
	qctx := params(ctx, map[string]string{"since": ts9(since), "until": ts9(untilOrMax(until))})
	rows, err := s.conn.Query(qctx, listWorkflows)
	if err != nil {
		return nil, s.wrap("list workflows", err)
	}
	defer rows.Close()
	out := []WorkflowSummary{}
	for rows.Next() {
		var w WorkflowSummary
		var runs, calls, analyzed uint64
		var cost, savings decimal.Decimal
		if err := rows.Scan(&w.Workflow, &runs, &calls, &cost, &w.First, &w.Last, &analyzed, &savings); err != nil {
			return nil, s.wrap("scan workflow summary", err)
		}
		w.Runs, w.Calls, w.Analyzed = int(runs), int(calls), int(analyzed)
		w.Unanalyzed = w.Runs - w.Analyzed
		if w.Cost, err = toUSD(cost, "sum(CostUSD)"); err != nil {
			return nil, fmt.Errorf("workflow %q: %w", w.Workflow, err)
		}
		if w.Savings, err = toUSD(savings, "sum(SavingsUSD)"); err != nil {
			return nil, fmt.Errorf("workflow %q: %w", w.Workflow, err)
		}
		out = append(out, w)
	}
	return out, s.wrap("list workflows", rows.Err())
}

// FindingFilter selects findings for ListFindings.
type FindingFilter struct {
	// Since and Until bound when the analysis was made ([Since, Until)).
	Since, Until time.Time
	// Type and Workflow keep one finding type and one workflow ("": all).
	Type     run.Type
	Workflow string
	// Limit (default 50) and Offset page through the findings, the newest
	// analyses first.
	Limit, Offset int
}

// StoredFinding is a finding of a run's newest completed analysis.
type StoredFinding struct {
	run.Finding
	Ordinal    int
	TraceID    string
	AnalysisID uuid.UUID
	Workflow   string
	CreatedAt  time.Time
}

// Only each run's newest analyzed analysis counts, so re-analysis never
// counts a run's waste twice.
const listFindings = `SELECT f.TraceId, f.AnalysisId, f.CreatedAt, a.Workflow, ` + findingColumns + `
FROM ` + schema.TableFindings + ` AS f
INNER JOIN (
  SELECT TraceId, argMax(AnalysisId, CreatedAt) AS AnalysisId, argMax(Workflow, CreatedAt) AS Workflow
  FROM ` + schema.TableAnalyses + ` WHERE Status = 'analyzed' AND CreatedAt >= {since:DateTime64(3)} GROUP BY TraceId
) AS a ON f.TraceId = a.TraceId AND f.AnalysisId = a.AnalysisId
WHERE f.CreatedAt >= {since:DateTime64(3)} AND f.CreatedAt < {until:DateTime64(3)}
  AND ({type:String} = '' OR f.Type = {type:String}) AND ({workflow:String} = '' OR a.Workflow = {workflow:String})
ORDER BY f.CreatedAt DESC, f.TraceId, f.Ordinal LIMIT 1 BY f.AnalysisId, f.Ordinal
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`

// ListFindings returns the findings of each run's newest completed
// analysis that match f.
func (s *Store) ListFindings(ctx context.Context, f FindingFilter) ([]StoredFinding, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	qctx := params(ctx, map[string]string{
		"since": ts3(f.Since), "until": ts3(untilOrMax(f.Until)), "type": string(f.Type), "workflow": f.Workflow,
		"limit": strconv.Itoa(f.Limit), "offset": strconv.Itoa(max(f.Offset, 0)),
	})
	rows, err := s.conn.Query(qctx, listFindings)
	if err != nil {
		return nil, s.wrap("list findings", err)
	}
	defer rows.Close()
	out := []StoredFinding{}
	for rows.Next() {
		var sf StoredFinding
		var err error
		sf.Finding, sf.Ordinal, err = scanFinding(rows, &sf.TraceID, &sf.AnalysisID, &sf.CreatedAt, &sf.Workflow)
		if err != nil {
			return nil, s.wrap("scan finding", err)
		}
		out = append(out, sf)
	}
	return out, s.wrap("list findings", rows.Err())
}

// epoch is the earliest time the readers' filters pass on (DateTime64
// starts in 1900; a zero time.Time means no bound).
var epoch = time.Unix(0, 0).UTC()

// farFuture is the open upper bound of a time range.
var farFuture = time.Date(2261, 1, 1, 0, 0, 0, 0, time.UTC)

// untilOrMax reads a zero upper bound as none.
func untilOrMax(t time.Time) time.Time {
	if t.IsZero() {
		return farFuture
	}
	return t
}

func clampTime(t time.Time) time.Time {
	switch {
	case t.Before(epoch):
		return epoch
	case t.After(farFuture):
		return farFuture
	}
	return t.UTC()
}

func ts9(t time.Time) string { return clampTime(t).Format("2006-01-02 15:04:05.000000000") }

func ts3(t time.Time) string { return clampTime(t).Format("2006-01-02 15:04:05.000") }

const selectLatestCompleted = "SELECT AnalysisId FROM " + schema.TableAnalyses + `
WHERE TraceId = {trace:String} AND Status = 'analyzed' ORDER BY CreatedAt DESC LIMIT 1`

// LatestCompleted returns the newest analyzed analysis of a trace with its
// findings; a trace without one wraps ErrNotFound.
func (s *Store) LatestCompleted(ctx context.Context, traceID string) (*StoredAnalysis, error) {
	return s.newest(ctx, traceID, selectLatestCompleted, "completed analysis")
}
