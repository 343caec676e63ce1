package dashboards

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/kaizenhq/kaizen/grafana/internal/macros"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
	"github.com/kaizenhq/kaizen/internal/testkit/kaizendb"
)

// benchCalls is how many llm_calls rows BenchmarkPanels generates (issue
// 13: 10 million over 30 days); KAIZEN_BENCH_CALLS overrides it for a
// quicker run.
func benchCalls(b *testing.B) int {
	if s := os.Getenv("KAIZEN_BENCH_CALLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			b.Fatalf("KAIZEN_BENCH_CALLS=%q: want a number ≥ 1000", s)
		}
		return n
	}
	return 10_000_000
}

// generate fills db, in the engine, with n calls over the 30 days before
// now: runs of 10 calls, 20 workflows, 5 services, 3 providers, 12 models,
// 8 agents, prompts repeating every 200k calls; a tenth of the runs
// analyzed (a pending and an analyzed row each) with 2 findings.
func generate(b *testing.B, db string, n int, now time.Time) {
	b.Helper()
	start := now.Add(-30 * 24 * time.Hour).Unix()
	runs := n / 10
	span := 30 * 24 * 3600 / float64(runs) // seconds between run starts
	chtest.Exec(b,
		fmt.Sprintf(`INSERT INTO %s.llm_calls (Timestamp, TraceId, SpanId, ServiceName, Workflow, Agent, Provider, RequestModel, ResponseModel,
 InputTokens, OutputTokens, CacheReadTokens, CacheWriteTokens, ReasoningTokens, CostUSD, PriceStatus, Duration, TimeToFirstChunk, Stream,
 FinishReasons, StatusCode, ErrorType, PromptHash)
SELECT toDateTime64(%d + intDiv(number, 10) * %f + number %% 10, 9) AS ts, lower(hex(MD5(toString(intDiv(number, 10))))) AS trace,
  lower(hex(cityHash64(number))) AS span, concat('svc-', toString(intDiv(number, 10) %% 5)), concat('workflow-', toString(intDiv(number, 10) %% 20)),
  concat('agent-', toString(number %% 8)), ['openai', 'anthropic', 'google'][number %% 3 + 1], concat('model-', toString(number %% 12)),
  concat('model-', toString(number %% 12)), 500 + number %% 2000, 50 + number %% 500, if(number %% 4 = 0, 200, 0), if(number %% 7 = 0, 100, 0),
  if(number %% 5 = 0, 30, 0), toDecimal128((number %% 100) * 0.0001, 12), if(number %% 1000 = 0, 'unpriced', 'priced'),
  toUInt64(200000000 + (number %% 50) * 100000000), if(number %% 2 = 0, toUInt64(50000000 + (number %% 20) * 10000000), 0), number %% 2 = 0,
  if(number %% 50 = 0, ['length'], ['stop']), if(number %% 100 = 0, 'Error', 'Ok'), if(number %% 100 = 0, 'http_500', ''),
  lower(hex(cityHash64(number %% 200000)))
FROM numbers(%d)`, db, start, span, n),
		fmt.Sprintf(`INSERT INTO %s.analyses (AnalysisId, TraceId, Workflow, CreatedAt, UpdatedAt, Status, Mode, OriginalCostUSD, OptimizedCostUSD, SavingsUSD, Findings)
SELECT toUUID(concat('00000000-0000-0000-0000-', leftPad(hex(r), 12, '0'))), lower(hex(MD5(toString(r)))), concat('workflow-', toString(r %% 20)),
  toDateTime64(%d + r * %f + 60, 3) AS created, created + toIntervalSecond(status = 'analyzed'), status, 'offline',
  if(status = 'analyzed', 0.05, 0), if(status = 'analyzed', 0.03, 0), if(status = 'analyzed', 0.02, 0), if(status = 'analyzed', 2, 0)
FROM (SELECT number * 10 AS r FROM numbers(%d)) ARRAY JOIN ['pending', 'analyzed'] AS status`, db, start, span, runs/10),
		fmt.Sprintf(`INSERT INTO %s.findings (AnalysisId, TraceId, CreatedAt, Ordinal, Type, Severity, Confidence, CallNumbers, SpanIds, Title, Recommendation, SavingsUSD)
SELECT toUUID(concat('00000000-0000-0000-0000-', leftPad(hex(r), 12, '0'))), lower(hex(MD5(toString(r)))), toDateTime64(%d + r * %f + 60, 3),
  ordinal, ['redundant_call', 'model_overkill'][ordinal], 'medium', 0.8, [toUInt32(ordinal)], [lower(hex(cityHash64(r * 10 + ordinal - 1)))],
  'finding', 'do less', 0.01
FROM (SELECT number * 10 AS r FROM numbers(%d)) ARRAY JOIN [1, 2] AS ordinal`, db, start, span, runs/10))
}

// BenchmarkPanels times every Overview and Findings variable and panel
// query over 30 days of n generated calls, each variable at All, through
// clickhouse-go over HTTP as the reader; "dashboard" is a whole dashboard
// (variables, then panels), one query after the other as the embedded
// engine runs them.
func BenchmarkPanels(b *testing.B) {
	n := benchCalls(b)
	db, _ := kaizendb.New(b)
	now := time.Now().UTC().Truncate(time.Second)
	t0 := time.Now()
	generate(b, db, n, now)
	chtest.Exec(b, fmt.Sprintf("OPTIMIZE TABLE %s.llm_calls FINAL", db))
	b.Logf("generated %d calls in %s", n, time.Since(t0).Round(time.Millisecond))
	opts, err := clickhouse.ParseDSN(chtest.URLAs(chtest.Reader()) + "/" + db + "?dial_timeout=10s&read_timeout=10m")
	if err != nil {
		b.Fatal(err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	all := map[string]string{"workflow": "$__all", "service": "$__all", "provider": "$__all", "model": "$__all"}
	from, to := now.Add(-30*24*time.Hour), now
	interval := 30 * 24 * time.Hour / 1000 // Grafana's interval for ~1000 points

	for _, build := range []func() (dashboardQueries, error){overviewQueries, findingsQueries} {
		dq, err := build()
		if err != nil {
			b.Fatal(err)
		}
		var sqls []string
		for _, v := range dq.variables {
			sql, err := macros.Expand(v.sql, all, from, to, interval)
			if err != nil {
				b.Fatalf("variable %s: %v", v.title, err)
			}
			sqls = append(sqls, sql)
			b.Run(dq.uid+"/$"+v.title, func(b *testing.B) { timeQueries(b, conn, sql) })
		}
		for _, p := range dq.panels {
			sql, err := macros.Expand(p.sql, all, from, to, interval)
			if err != nil {
				b.Fatalf("%s: %v", p.title, err)
			}
			sqls = append(sqls, sql)
			b.Run(dq.uid+"/"+p.title, func(b *testing.B) { timeQueries(b, conn, sql) })
		}
		b.Run(dq.uid+"/dashboard", func(b *testing.B) { timeQueries(b, conn, sqls...) })
	}
}

type dashboardQueries struct {
	uid               string
	variables, panels []struct{ title, sql string }
}

func overviewQueries() (dashboardQueries, error) { return panelQueries(OverviewUID, Overview) }
func findingsQueries() (dashboardQueries, error) { return panelQueries(FindingsUID, Findings) }

func panelQueries(uid string, build func() (dashboard.Dashboard, error)) (dashboardQueries, error) {
	d, err := build()
	if err != nil {
		return dashboardQueries{}, err
	}
	out := dashboardQueries{uid: uid}
	for _, v := range d.Templating.List {
		out.variables = append(out.variables, struct{ title, sql string }{v.Name, *v.Query.String})
	}
	for _, p := range d.Panels {
		for _, target := range p.Panel.Targets {
			out.panels = append(out.panels, struct{ title, sql string }{*p.Panel.Title, target.(Query).RawSQL})
		}
	}
	return out, nil
}

// timeQueries runs the queries b.N times, reporting the median wall time
// of one round in ms (the clickhouse-go round trip, an upper bound of the
// engine's time).
func timeQueries(b *testing.B, conn driver.Conn, sqls ...string) {
	ctx := context.Background()
	var took []time.Duration
	for b.Loop() {
		t := time.Now()
		for _, sql := range sqls {
			rows, err := conn.Query(ctx, sql)
			if err != nil {
				b.Fatalf("%s: %v", sql, err)
			}
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				b.Fatalf("%s: %v", sql, err)
			}
		}
		took = append(took, time.Since(t))
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms/round")
}
