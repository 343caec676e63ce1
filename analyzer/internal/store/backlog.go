package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// Backlog selects the runs an analysis server still owes an analysis.
type Backlog struct {
	// Since bounds the scan: runs with a span started at or after it.
	Since time.Time
	// SettledBefore keeps runs whose last span ended before it.
	SettledBefore time.Time
	// Version is the current analyzer version: runs whose latest analysis
	// has another one are due again.
	Version string
	// StaleBefore: a pending or analyzing analysis last updated before it
	// belongs to a server that died, and its run is due again.
	StaleBefore time.Time
	// RetryBefore and MaxAttempts: a failed run is retried when its last
	// failure is older than RetryBefore and it failed fewer than MaxAttempts
	// times with this version.
	RetryBefore time.Time
	MaxAttempts int
	// Shard of Shards: only runs with cityHash64(TraceId) % Shards = Shard,
	// so that servers given disjoint shards never analyze the same run.
	Shard, Shards int
	// Limit caps the runs returned, the most expensive first.
	Limit int
}

// Due is one run the backlog holds.
type Due struct {
	TraceID string
	// Cost is the run's cost so far.
	Cost pricing.USD
	// Spans and End are the run's extent now.
	Spans int
	End   time.Time
	// Reason says why it is due: new, grown, version, abandoned or retry.
	Reason string
}

// The latest analysis per run is the newest version row of its newest
// analysis; analyses rows are written only after the run's first span, so
// CreatedAt >= since bounds that scan too.
const selectBacklog = `SELECT r.TraceId, c.Cost, r.Spans, r.End,
 multiIf(a.TraceId = '', 'new', a.LastVersion != {version:String}, 'version',
  r.Spans > a.LastSpans OR r.End > a.LastEnd, 'grown', a.LastStatus IN ('pending', 'analyzing'), 'abandoned', 'retry') AS Reason
FROM (
  SELECT TraceId, count() AS Spans, max(addNanoseconds(Timestamp, toInt64(least(Duration, 9223372036854775807)))) AS End
  FROM ` + schema.TableTraces + `
  WHERE Timestamp >= {since:DateTime64(9)} AND TraceId != '' AND cityHash64(TraceId) % {shards:UInt32} = {shard:UInt32}
  GROUP BY TraceId HAVING End < {settled:DateTime64(9)}
) AS r
INNER JOIN (
  SELECT TraceId, sum(CostUSD) AS Cost FROM ` + schema.TableLLMCalls + `
  WHERE Timestamp >= {since:DateTime64(9)} AND cityHash64(TraceId) % {shards:UInt32} = {shard:UInt32}
  GROUP BY TraceId
) AS c ON c.TraceId = r.TraceId
LEFT JOIN (
  SELECT TraceId, argMax(Status, (CreatedAt, UpdatedAt)) AS LastStatus, argMax(AnalyzerVersion, (CreatedAt, UpdatedAt)) AS LastVersion,
   argMax(RunSpans, (CreatedAt, UpdatedAt)) AS LastSpans, argMax(RunEnd, (CreatedAt, UpdatedAt)) AS LastEnd,
   max(UpdatedAt) AS LastUpdate, uniqExactIf(AnalysisId, Status = 'failed' AND AnalyzerVersion = {version:String}) AS Failures
  FROM ` + schema.TableAnalyses + `
  WHERE CreatedAt >= {since:DateTime64(9)} AND cityHash64(TraceId) % {shards:UInt32} = {shard:UInt32}
  GROUP BY TraceId
) AS a ON a.TraceId = r.TraceId
WHERE a.TraceId = '' OR a.LastVersion != {version:String} OR r.Spans > a.LastSpans OR r.End > a.LastEnd
 OR (a.LastStatus IN ('pending', 'analyzing') AND a.LastUpdate < {stale:DateTime64(3)})
 OR (a.LastStatus = 'failed' AND a.LastUpdate < {retry:DateTime64(3)} AND a.Failures < {attempts:UInt32})
ORDER BY c.Cost DESC, r.TraceId
LIMIT {limit:UInt32}`

// Backlog returns the runs due for analysis, the most expensive first.
func (s *Store) Backlog(ctx context.Context, b Backlog) ([]Due, error) {
	if b.Shards < 1 || b.Shard < 0 || b.Shard >= b.Shards {
		return nil, fmt.Errorf("backlog: shard %d of %d is out of range", b.Shard, b.Shards)
	}
	if b.Limit <= 0 {
		b.Limit = 100
	}
	ns := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000000") }
	qctx := params(ctx, map[string]string{
		"since": ns(b.Since), "settled": ns(b.SettledBefore), "version": b.Version,
		"stale": ns(b.StaleBefore), "retry": ns(b.RetryBefore), "attempts": strconv.Itoa(b.MaxAttempts),
		"shard": strconv.Itoa(b.Shard), "shards": strconv.Itoa(b.Shards), "limit": strconv.Itoa(b.Limit),
	})
	rows, err := s.conn.Query(qctx, selectBacklog)
	if err != nil {
		return nil, s.wrap("read the analysis backlog", err)
	}
	defer rows.Close()
	var out []Due
	for rows.Next() {
		var d Due
		var cost decimal.Decimal
		var spans uint64
		if err := rows.Scan(&d.TraceID, &cost, &spans, &d.End, &d.Reason); err != nil {
			return nil, s.wrap("scan backlog row", err)
		}
		d.Spans = int(min(spans, 1<<31-1))
		if d.Cost, err = toUSD(cost, "sum(CostUSD)"); err != nil {
			return nil, fmt.Errorf("backlog run %s: %w", d.TraceID, err)
		}
		out = append(out, d)
	}
	return out, s.wrap("read the analysis backlog", rows.Err())
}

const selectGeminiSpend = `SELECT sum(Cost), max(Cost) FROM (
  SELECT argMax(AnalysisCostUSD, UpdatedAt) AS Cost FROM ` + schema.TableAnalyses + `
  WHERE CreatedAt >= {since:DateTime64(3)} GROUP BY AnalysisId)`

// Spend is what analyses spent on Gemini.
type Spend struct {
	// Total is the sum over the analyses, Largest the dearest one.
	Total, Largest pricing.USD
}

// AnalysisSpend is what the analyses created since a time spent on Gemini,
// as their rows record it (every server's, so a restart keeps the count).
func (s *Store) AnalysisSpend(ctx context.Context, since time.Time) (Spend, error) {
	qctx := params(ctx, map[string]string{"since": since.UTC().Format("2006-01-02 15:04:05.000")})
	var total, largest decimal.Decimal
	if err := s.conn.QueryRow(qctx, selectGeminiSpend).Scan(&total, &largest); err != nil {
		return Spend{}, s.wrap("read Gemini spend from analyses", err)
	}
	var sp Spend
	var err error
	if sp.Total, err = toUSD(total, "sum(AnalysisCostUSD)"); err != nil {
		return Spend{}, err
	}
	sp.Largest, err = toUSD(largest, "max(AnalysisCostUSD)")
	return sp, err
}
