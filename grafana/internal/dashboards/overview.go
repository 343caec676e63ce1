package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/barchart"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// spendBy is a time series of spend split by a column expression.
func spendBy(id uint32, what, expr string) *timeseries.PanelBuilder {
	return timeseries.NewPanelBuilder().Id(id).Title("Spend by " + what).Unit("currencyUSD").Height(8).Span(12).
		Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).FillOpacity(20).
		WithTarget(SQL("A", FormatTimeSeries, Hourly([]string{expr + " AS " + what}, []string{"sum(CostUSD) AS cost"}, "toFloat64(sum(cost)) AS spend_usd", true)))
}

// Overview builds the Overview dashboard: where the money goes, how calls
// behave, and the waste the analyzer found.
func Overview() (dashboard.Dashboard, error) {
	b := withFilterVariables(newDashboard(OverviewUID, "Kaizen — Overview",
		"LLM spend by model, provider, workflow and agent; tokens, caching, errors and latency; the waste found in analyzed runs."))
	b = b.
		WithPanel(stat.NewPanelBuilder().Id(1).Title("Spend").Unit("currencyUSD").Decimals(2).Height(4).Span(4).
			Description("Priced cost of the calls in range; unpriced calls add nothing here and are counted apart.").
			WithTarget(SQL("A", FormatTable, Hourly(nil, []string{"sum(CostUSD) AS cost"}, "toFloat64(sum(cost)) AS spend_usd", false)))).
		WithPanel(stat.NewPanelBuilder().Id(2).Title("Calls").Height(4).Span(4).
			WithTarget(SQL("A", FormatTable, Hourly(nil, []string{"count() AS n"}, "sum(n) AS calls", false)))).
		WithPanel(stat.NewPanelBuilder().Id(3).Title("Runs").Height(4).Span(4).
			WithTarget(SQL("A", FormatTable, "SELECT uniqExact(cityHash64(TraceId)) AS runs FROM llm_calls WHERE "+Filters))).
		WithPanel(stat.NewPanelBuilder().Id(4).Title("Unpriced / partially priced calls").
			Description("Calls whose cost is missing or incomplete: never a silent $0. Always a number (0 when every call is priced).").
			Height(4).Span(4).ColorMode(common.BigValueColorModeBackground).Thresholds(warnAbove(1)).
			WithTarget(SQL("A", FormatTable, Hourly(nil, []string{"countIf(PriceStatus = 'unpriced') AS u", "countIf(PriceStatus = 'partial') AS p"},
				"sum(u) AS unpriced, sum(p) AS partial", false)))).
		WithPanel(stat.NewPanelBuilder().Id(5).Title("Waste found").Height(4).Span(4).
			Description("Savings in the newest completed analysis of each run analyzed in range, and their share of those runs' cost.").
			OverrideByName("savings_usd", unit("currencyUSD")).OverrideByName("waste_share", unit("percentunit")).
			WithTarget(SQL("A", FormatTable, Latest+`SELECT sum(savings) AS savings_usd, if(sum(original) = 0, 0, sum(savings) / sum(original)) AS waste_share, count() AS analyzed_runs FROM latest`))).
		WithPanel(stat.NewPanelBuilder().Id(6).Title("Projected monthly waste").Unit("currencyUSD").Decimals(2).Height(4).Span(4).
			Description("Savings per analyzed run times the runs of the range, scaled to 30 days.").
			WithTarget(SQL("A", FormatTable, Latest+`SELECT if(count() = 0, 0, sum(savings) / count())
  * (SELECT uniqExact(cityHash64(TraceId)) FROM llm_calls WHERE `+Filters+`)
  * 2592000 / greatest(dateDiff('second', $__fromTime, $__toTime), 1) AS projected_monthly_waste_usd
FROM latest`))).
		WithPanel(stat.NewPanelBuilder().Id(7).Title("Cache hit ratio").Unit("percentunit").Decimals(1).Height(4).Span(6).
			Description("Prompt tokens served from the provider's prompt cache.").
			WithTarget(SQL("A", FormatTable, Hourly(nil, []string{"sum(" + PromptTokens + ") AS prompt", "sum(CacheReadTokens) AS cached"},
				"if(sum(prompt) = 0, 0, sum(cached) / sum(prompt)) AS cache_hit_ratio", false)))).
		WithPanel(stat.NewPanelBuilder().Id(8).Title("Error and truncation rate").Unit("percentunit").Decimals(1).Height(4).Span(6).
			Description("Calls that failed, and calls cut at their output-token limit (finish reason length / max_tokens).").
			WithTarget(SQL("A", FormatTable, Hourly(nil, []string{"count() AS n", "countIf(" + Failed + ") AS failed", "countIf(" + Truncated + ") AS cut"},
				"if(sum(n) = 0, 0, sum(failed) / sum(n)) AS error_rate, if(sum(n) = 0, 0, sum(cut) / sum(n)) AS truncation_rate", false)))).
		WithPanel(stat.NewPanelBuilder().Id(9).Title("Latency").Unit("s").Decimals(2).Height(4).Span(12).
			Description("Call duration, and time to the first chunk of streamed calls; empty, not NaN, without such calls.").
			WithTarget(SQL("A", FormatTable, `SELECT if(count() = 0, NULL, quantile(0.5)(Duration) / 1e9) AS p50_s, if(count() = 0, NULL, quantile(0.95)(Duration) / 1e9) AS p95_s,
  if(countIf(TimeToFirstChunk > 0) = 0, NULL, quantileIf(0.5)(TimeToFirstChunk, TimeToFirstChunk > 0) / 1e9) AS ttfc_p50_s,
  if(countIf(TimeToFirstChunk > 0) = 0, NULL, quantileIf(0.95)(TimeToFirstChunk, TimeToFirstChunk > 0) / 1e9) AS ttfc_p95_s
FROM llm_calls WHERE `+Filters))).
		WithPanel(spendBy(10, "model", "RequestModel")).
		WithPanel(spendBy(11, "provider", "Provider")).
		WithPanel(spendBy(12, "workflow", "if(Workflow = '', '(none)', Workflow)")).
		WithPanel(spendBy(13, "agent", "if(Agent = '', '(none)', Agent)")).
		WithPanel(timeseries.NewPanelBuilder().Id(14).Title("Tokens").Unit("short").Height(8).Span(12).
			Description("Input (cache reads and writes included), output (reasoning included), cache read, cache write and reasoning tokens.").
			WithTarget(SQL("A", FormatTimeSeries, Hourly(nil, []string{"sum(" + PromptTokens + ") AS input_p", "sum(OutputTokens) AS output_p",
				"sum(CacheReadTokens) AS cache_read_p", "sum(CacheWriteTokens) AS cache_write_p", "sum(ReasoningTokens) AS reasoning_p"},
				"sum(input_p) AS input, sum(output_p) AS output, sum(cache_read_p) AS cache_read, sum(cache_write_p) AS cache_write, sum(reasoning_p) AS reasoning", true)))).
		WithPanel(timeseries.NewPanelBuilder().Id(15).Title("Calls, errors and truncations").Height(8).Span(12).
			WithTarget(SQL("A", FormatTimeSeries, Hourly(nil, []string{"count() AS n", "countIf(" + Failed + ") AS failed", "countIf(" + Truncated + ") AS cut"},
				"sum(n) AS calls, sum(failed) AS errors, sum(cut) AS truncated", true)))).
		WithPanel(timeseries.NewPanelBuilder().Id(16).Title("Latency over time").Unit("s").Height(8).Span(12).
			WithTarget(SQL("A", FormatTimeSeries, `SELECT $__timeInterval(Timestamp) AS time, quantile(0.5)(Duration) / 1e9 AS p50, quantile(0.95)(Duration) / 1e9 AS p95,
  quantileIf(0.95)(TimeToFirstChunk, TimeToFirstChunk > 0) / 1e9 AS ttfc_p95
FROM llm_calls WHERE `+Filters+`
GROUP BY time ORDER BY time`))).
		WithPanel(barchart.NewPanelBuilder().Id(17).Title("Cost per run").Height(8).Span(12).XField("cost_per_run").
			Description("Runs by their cost, in 1-2-5 buckets.").
			WithTarget(SQL("A", FormatTable, `SELECT if(lo = 0, 'zero or unpriced', concat('$', toString(lo), '–$', toString(hi))) AS cost_per_run, count() AS runs
FROM (SELECT round(if(cost <= 0, 0, d * multiIf(m < 2, 1, m < 5, 2, 5)), 9) AS lo, round(if(cost <= 0, 0, d * multiIf(m < 2, 2, m < 5, 5, 10)), 9) AS hi
  FROM (SELECT cost, exp10(floor(log10(cost))) AS d, cost / d AS m
    FROM (SELECT toFloat64(sum(CostUSD)) AS cost FROM llm_calls WHERE `+Filters+` GROUP BY cityHash64(TraceId))))
GROUP BY lo, hi ORDER BY lo`))).
		WithPanel(table.NewPanelBuilder().Id(18).Title("Most expensive runs").Height(10).Span(16).
			Description("Savings are those of the run's newest completed analysis; empty when it is not analyzed.").
			OverrideByName("trace_id", RunLink()).OverrideByName("cost_usd", unit("currencyUSD")).OverrideByName("savings_usd", unit("currencyUSD")).
			WithTarget(SQL("A", FormatTable, `WITH top AS (
  SELECT TraceId FROM llm_calls WHERE `+Filters+`
  GROUP BY TraceId ORDER BY sum(CostUSD) DESC, TraceId LIMIT 20)
SELECT c.TraceId AS trace_id, anyIf(Workflow, Workflow != '') AS workflow, any(ServiceName) AS service, count() AS calls,
  sum(InputTokens + OutputTokens) AS tokens, toFloat64(sum(CostUSD)) AS cost_usd, countIf(PriceStatus != 'priced') AS unpriced_calls,
  any(a.savings) AS savings_usd, min(Timestamp) AS started
FROM llm_calls AS c LEFT JOIN (
  SELECT TraceId, toNullable(toFloat64(argMax(SavingsUSD, (CreatedAt, UpdatedAt)))) AS savings
  FROM analyses WHERE Status = 'analyzed' AND CreatedAt >= $__fromTime GROUP BY TraceId) AS a ON a.TraceId = c.TraceId
WHERE `+Filters+` AND c.TraceId IN (SELECT TraceId FROM top)
GROUP BY trace_id
ORDER BY cost_usd DESC, trace_id`))).
		WithPanel(barchart.NewPanelBuilder().Id(19).Title("Savings found by waste type").Unit("currencyUSD").Height(10).Span(8).
			XField("waste_type").Orientation(common.VizOrientationHorizontal).
			Description("Findings of the newest completed analysis of each run analyzed in range.").
			WithTarget(SQL("A", FormatTable, Latest+`SELECT Type AS waste_type, toFloat64(sum(SavingsUSD)) AS savings_usd
FROM findings WHERE `+InLatest+`
GROUP BY waste_type ORDER BY savings_usd DESC, waste_type`)))
	return b.Build()
}
