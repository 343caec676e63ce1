package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Findings builds the Findings dashboard: what kinds of waste the analyzer
// finds, where, and whether cost per run comes down.
func Findings() (dashboard.Dashboard, error) {
	b := withFilterVariables(newDashboard(FindingsUID, "Kaizen — Findings",
		"Waste found in analyzed runs (newest completed analysis of each run): by type, over time, by prompt, model and workflow."))
	b = b.
		WithPanel(stat.NewPanelBuilder().Id(1).Title("Findings").Height(4).Span(24).
			OverrideByName("savings_usd", unit("currencyUSD")).OverrideByName("analyzed_cost_usd", unit("currencyUSD")).
			OverrideByName("waste_share", unit("percentunit")).
			WithTarget(SQL("A", FormatTable, Latest+`SELECT (SELECT count() FROM findings WHERE `+InLatest+`) AS findings, count() AS analyzed_runs,
  sum(original) AS analyzed_cost_usd, sum(savings) AS savings_usd, if(sum(original) = 0, 0, sum(savings) / sum(original)) AS waste_share
FROM latest`))).
		WithPanel(timeseries.NewPanelBuilder().Id(2).Title("Findings by type").Height(8).Span(12).
			Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).DrawStyle(common.GraphDrawStyleBars).
			WithTarget(SQL("A", FormatTimeSeries, Latest+`SELECT $__timeInterval(CreatedAt) AS time, Type AS waste_type, count() AS findings
FROM findings WHERE `+InLatest+`
GROUP BY time, waste_type ORDER BY time, waste_type`))).
		WithPanel(timeseries.NewPanelBuilder().Id(3).Title("Savings potential").Unit("currencyUSD").Height(8).Span(12).
			Description("Savings found and the cost of the runs analyzed, by when they were analyzed.").
			WithTarget(SQL("A", FormatTimeSeries, Latest+`SELECT $__timeInterval(created) AS time, sum(savings) AS savings_usd, sum(original) AS analyzed_cost_usd
FROM latest GROUP BY time ORDER BY time`))).
		WithPanel(table.NewPanelBuilder().Id(4).Title("Most repeated prompts").Height(9).Span(12).
			Description("Calls with the same prompt fingerprint (kaizen.prompt.hash); repeat cost is what every call after the first cost.").
			OverrideByName("cost_usd", unit("currencyUSD")).OverrideByName("repeat_cost_usd", unit("currencyUSD")).
			WithTarget(SQL("A", FormatTable, `WITH top AS (
  SELECT PromptHash FROM llm_calls WHERE `+Filters+` AND PromptHash != ''
  GROUP BY PromptHash HAVING count() > 1 ORDER BY count() DESC, sum(CostUSD) DESC, PromptHash LIMIT 20)
SELECT PromptHash AS fingerprint, count() AS calls, uniqExact(TraceId) AS runs, toFloat64(sum(CostUSD)) AS cost_usd,
  toFloat64(sum(CostUSD) - argMin(CostUSD, (Timestamp, SpanId))) AS repeat_cost_usd,
  arrayStringConcat(arraySort(groupUniqArray(Agent)), ', ') AS agents, arrayStringConcat(arraySort(groupUniqArray(RequestModel)), ', ') AS models,
  min(Timestamp) AS first_seen, max(Timestamp) AS last_seen
FROM llm_calls WHERE `+Filters+` AND PromptHash IN (SELECT PromptHash FROM top)
GROUP BY fingerprint ORDER BY calls DESC, cost_usd DESC, fingerprint`))).
		WithPanel(table.NewPanelBuilder().Id(5).Title("Models most flagged as overkill").Height(9).Span(12).
			Description("Calls named by model_overkill findings, by model; a finding's savings are split evenly over its calls.").
			// The findings are the join's right side (its hash table): far fewer rows than the calls.
			OverrideByName("flagged_cost_usd", unit("currencyUSD")).OverrideByName("savings_usd", unit("currencyUSD")).
			WithTarget(SQL("A", FormatTable, Latest+`, flagged AS (
  SELECT TraceId, AnalysisId, Ordinal, arrayJoin(SpanIds) AS SpanId, toFloat64(SavingsUSD) / length(SpanIds) AS savings
  FROM findings WHERE Type = 'model_overkill' AND `+InLatest+`)
SELECT c.model AS model, count() AS flagged_calls, uniqExact(f.AnalysisId, f.Ordinal) AS findings, uniqExact(f.TraceId) AS runs,
  toFloat64(sum(c.cost)) AS flagged_cost_usd, sum(f.savings) AS savings_usd
FROM (SELECT TraceId, SpanId, RequestModel AS model, CostUSD AS cost FROM llm_calls) AS c
INNER JOIN flagged AS f ON c.TraceId = f.TraceId AND c.SpanId = f.SpanId
GROUP BY model ORDER BY flagged_calls DESC, savings_usd DESC, model LIMIT 20`))).
		WithPanel(table.NewPanelBuilder().Id(6).Title("Workflows by waste").Height(8).Span(12).
			Description("Share of the analyzed runs' cost the analyzer found wasted, per workflow.").
			OverrideByName("workflow", fieldLink("Overview of this workflow", DashboardURL(OverviewUID)+"?var-workflow=${__value.raw}&${__url_time_range}")).
			OverrideByName("analyzed_cost_usd", unit("currencyUSD")).OverrideByName("savings_usd", unit("currencyUSD")).
			OverrideByName("waste_share", unit("percentunit")).
			WithTarget(SQL("A", FormatTable, Latest+`SELECT workflow, count() AS analyzed_runs, sum(original) AS analyzed_cost_usd, sum(savings) AS savings_usd,
  if(sum(original) = 0, 0, sum(savings) / sum(original)) AS waste_share
FROM latest GROUP BY workflow ORDER BY waste_share DESC, savings_usd DESC, workflow`))).
		WithPanel(table.NewPanelBuilder().Id(7).Title("Realized savings").Height(8).Span(12).
			Description("Cost per run in the first half of the time range against the second: when it drops, the drop times the runs since is saved.").
			OverrideByName("before_usd_per_run", unit("currencyUSD")).OverrideByName("after_usd_per_run", unit("currencyUSD")).
			OverrideByName("realized_savings_usd", unit("currencyUSD")).
			WithTarget(SQL("A", FormatTable, `SELECT workflow, avgIf(cost, started < midpoint) AS before_usd_per_run, avgIf(cost, started >= midpoint) AS after_usd_per_run,
  countIf(started >= midpoint) AS runs_after, greatest(before_usd_per_run - after_usd_per_run, 0) * runs_after AS realized_savings_usd
FROM (
  SELECT anyIf(Workflow, Workflow != '') AS workflow, min(Timestamp) AS started, toFloat64(sum(CostUSD)) AS cost,
    toDateTime(intDiv(toUInt32($__fromTime) + toUInt32($__toTime), 2)) AS midpoint
  FROM llm_calls WHERE `+Filters+` GROUP BY cityHash64(TraceId))
GROUP BY workflow HAVING countIf(started < midpoint) > 0 AND runs_after > 0
ORDER BY realized_savings_usd DESC, workflow`))).
		WithPanel(table.NewPanelBuilder().Id(8).Title("Recent findings").Height(10).Span(24).
			OverrideByName("trace_id", RunLink()).OverrideByName("savings_usd", unit("currencyUSD")).
			WithTarget(SQL("A", FormatTable, Latest+`SELECT f.TraceId AS trace_id, l.workflow AS workflow, f.Type AS waste_type, f.Severity AS severity, f.Title AS title,
  toFloat64(f.SavingsUSD) AS savings_usd, f.CreatedAt AS analyzed
FROM findings AS f INNER JOIN latest AS l ON l.TraceId = f.TraceId AND l.analysis_id = f.AnalysisId
ORDER BY analyzed DESC, trace_id, f.Ordinal LIMIT 100`)))
	return b.Build()
}
