package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/barchart"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
)

// ThisRun selects the rows of the run chosen in $trace_id.
const ThisRun = "TraceId = ${trace_id:singlequote}"

// TraceSQL is the run's spans as Grafana's trace view reads them (the
// column names of its trace data frame, times in ms), found through the
// trace id → time range table as the plugin's own trace lookup does. It has
// no LIMIT: a limit cuts spans from the waterfall.
const TraceSQL = `WITH ${trace_id:singlequote} AS trace_id,
  (SELECT min(Start) FROM otel_traces_trace_id_ts WHERE TraceId = trace_id) AS trace_start,
  (SELECT max(End) + 1 FROM otel_traces_trace_id_ts WHERE TraceId = trace_id) AS trace_end
SELECT TraceId AS traceID, SpanId AS spanID, ParentSpanId AS parentSpanID, ServiceName AS serviceName, SpanName AS operationName,
  toUnixTimestamp64Nano(Timestamp) / 1e6 AS startTime, Duration / 1e6 AS duration,
  arrayMap(key -> map('key', key, 'value', SpanAttributes[key]), mapKeys(SpanAttributes)) AS tags,
  arrayMap(key -> map('key', key, 'value', ResourceAttributes[key]), mapKeys(ResourceAttributes)) AS serviceTags,
  if(StatusCode IN ('Error', 'STATUS_CODE_ERROR'), 2, 0) AS statusCode, StatusMessage AS statusMessage, SpanKind AS kind
FROM otel_traces
WHERE traceID = trace_id AND Timestamp >= trace_start AND Timestamp <= trace_end
ORDER BY startTime, spanID`

// analysesOfRun is every analysis of the run, newest first, each at its
// last status (one row per status change is stored).
const analysesOfRun = `SELECT AnalysisId AS analysis_id, argMax(Status, UpdatedAt) AS status,
  toFloat64(argMax(OriginalCostUSD, UpdatedAt)) AS original_usd, toFloat64(argMax(OptimizedCostUSD, UpdatedAt)) AS optimized_usd,
  toFloat64(argMax(SavingsUSD, UpdatedAt)) AS savings_usd, if(original_usd = 0, 0, savings_usd / original_usd) AS savings_share,
  argMax(Findings, UpdatedAt) AS findings, argMax(Mode, UpdatedAt) AS mode, argMax(Error, UpdatedAt) AS error, min(CreatedAt) AS created
FROM analyses WHERE ` + ThisRun + `
GROUP BY AnalysisId ORDER BY created DESC, max(UpdatedAt) DESC`

// costBy is the run's cost split by a column expression.
func costBy(id uint32, what, expr string) *barchart.PanelBuilder {
	return barchart.NewPanelBuilder().Id(id).Title("Cost by " + what).Unit("currencyUSD").Height(7).Span(12).
		XField(what).Orientation(common.VizOrientationHorizontal).
		WithTarget(SQL("A", FormatTable, `SELECT `+expr+` AS `+what+`, toFloat64(sum(CostUSD)) AS cost_usd
FROM llm_calls WHERE `+ThisRun+`
GROUP BY `+what+` ORDER BY cost_usd DESC, `+what))
}

// Run builds the Run dashboard: one run's calls, costs, analyses, findings
// and trace.
func Run() (dashboard.Dashboard, error) {
	explore, err := ExploreTraceURL(TraceSQL)
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	runs := "SELECT TraceId FROM llm_calls WHERE $__timeFilter(Timestamp) GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT 500"
	b := newDashboard(RunUID, "Kaizen — Run", "One run (trace): its LLM calls in order, where its cost went, its analyses and findings, and its trace.").
		Link(dashboard.NewDashboardLinkBuilder("Trace in Explore").Type(dashboard.DashboardLinkTypeLink).Url(explore).
			Icon("external link").Tooltip("Open this run's trace view in Explore").TargetBlank(true)).
		WithVariable(dashboard.NewQueryVariableBuilder("trace_id").Label("run (trace id)").
			Description("Runs with calls in the time range, newest first; a link may set any trace id.").
			Query(dashboard.StringOrMap{String: &runs}).Datasource(*Datasource()).AllowCustomValue(true).
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged))
	b = b.
		WithPanel(stat.NewPanelBuilder().Id(1).Title("Run").Height(4).Span(24).ReduceOptions(allFields()).
			Description("Unpriced calls add nothing to the cost and are counted apart.").
			OverrideByName("cost_usd", unit("currencyUSD")).OverrideByName("wall_time_s", unit("s")).
			WithTarget(SQL("A", FormatTable, `SELECT toFloat64(sum(CostUSD)) AS cost_usd, count() AS calls, countIf(PriceStatus != 'priced') AS unpriced_calls,
  sum(InputTokens) AS input_tokens, sum(OutputTokens) AS output_tokens,
  (max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration)) - min(toUnixTimestamp64Nano(Timestamp))) / 1e9 AS wall_time_s
FROM llm_calls WHERE `+ThisRun))).
		WithPanel(table.NewPanelBuilder().Id(2).Title("Calls").Height(10).Span(24).
			Description("In start order; # is the number findings refer to.").
			OverrideByName("cost_usd", unit("currencyUSD")).OverrideByName("latency_s", unit("s")).OverrideByName("ttfc_s", unit("s")).
			WithTarget(SQL("A", FormatTable, `SELECT row_number() OVER (ORDER BY Timestamp, SpanId) AS n, Agent AS agent,
  if(ResponseModel != '', ResponseModel, RequestModel) AS model, Provider AS provider, InputTokens AS input_tokens, OutputTokens AS output_tokens,
  CacheReadTokens AS cache_read_tokens, toFloat64(CostUSD) AS cost_usd, PriceStatus AS price_status, Duration / 1e9 AS latency_s,
  TimeToFirstChunk / 1e9 AS ttfc_s, arrayStringConcat(FinishReasons, ', ') AS finish_reason,
  if(`+Failed+`, if(ErrorType != '', ErrorType, 'error'), 'ok') AS status, Timestamp AS time, SpanId AS span_id
FROM llm_calls WHERE `+ThisRun+`
ORDER BY n`))).
		WithPanel(costBy(3, "agent", "if(Agent = '', '(none)', Agent)")).
		WithPanel(costBy(4, "model", "if(ResponseModel != '', ResponseModel, RequestModel)")).
		WithPanel(stat.NewPanelBuilder().Id(5).Title("Latest analysis").Height(4).Span(24).ReduceOptions(allFields()).
			OverrideByName("original_usd", unit("currencyUSD")).OverrideByName("optimized_usd", unit("currencyUSD")).
			OverrideByName("savings_usd", unit("currencyUSD")).OverrideByName("savings_share", unit("percentunit")).
			WithTarget(SQL("A", FormatTable, `SELECT status, original_usd, optimized_usd, savings_usd, savings_share, findings FROM (`+analysesOfRun+`) LIMIT 1`))).
		WithPanel(table.NewPanelBuilder().Id(6).Title("Findings").Height(10).Span(24).
			Description("Of the run's newest completed analysis; calls are the # of the Calls table.").
			OverrideByName("savings_usd", unit("currencyUSD")).
			WithTarget(SQL("A", FormatTable, `SELECT Ordinal AS n, Type AS waste_type, Severity AS severity,
  arrayStringConcat(arrayMap(c -> concat('#', toString(c)), CallNumbers), ' ') AS calls, Title AS title, Recommendation AS recommendation,
  toFloat64(SavingsUSD) AS savings_usd, Confidence AS confidence
FROM findings
WHERE `+ThisRun+` AND AnalysisId = (SELECT argMax(AnalysisId, (CreatedAt, UpdatedAt)) FROM analyses WHERE `+ThisRun+` AND Status = 'analyzed')
ORDER BY n`))).
		WithPanel(table.NewPanelBuilder().Id(7).Title("Analyses").Height(6).Span(24).
			Description("Every analysis of the run, newest first, at its last status.").
			OverrideByName("original_usd", unit("currencyUSD")).OverrideByName("optimized_usd", unit("currencyUSD")).
			OverrideByName("savings_usd", unit("currencyUSD")).OverrideByName("savings_share", unit("percentunit")).
			WithTarget(SQL("A", FormatTable, analysesOfRun))).
		WithPanel(dashboard.NewPanelBuilder().Type("traces").Id(8).Title("Trace").Height(14).Span(24).
			Description("The run's spans; the dashboard link opens the same query in Explore.").
			WithTarget(SQL("A", FormatTraces, TraceSQL)))
	return b.Build()
}
