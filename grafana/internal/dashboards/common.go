package dashboards

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// The dashboards' stable uids: links and provisioning refer to them.
const (
	OverviewUID = "kaizen-overview"
	RunUID      = "kaizen-run"
	FindingsUID = "kaizen-findings"
)

// VariableFilters narrows llm_calls by the filter variables
// ($__conditionalAll drops a filter when its variable is at All).
const VariableFilters = `$__conditionalAll(Workflow IN (${workflow:singlequote}), $workflow)
  AND $__conditionalAll(ServiceName IN (${service:singlequote}), $service)
  AND $__conditionalAll(Provider IN (${provider:singlequote}), $provider)
  AND $__conditionalAll(RequestModel IN (${model:singlequote}), $model)`

// Filters narrows llm_calls to the time range and the filter variables.
const Filters = "$__timeFilter(Timestamp)\n  AND " + VariableFilters

// RunFilters narrows rows keyed by TraceId (analyses, findings) to the runs
// with a call of the selected services, providers and models; each
// subquery is dropped at All, so the common case reads no llm_calls.
const RunFilters = `$__conditionalAll(TraceId IN (SELECT TraceId FROM llm_calls WHERE ServiceName IN (${service:singlequote})), $service)
  AND $__conditionalAll(TraceId IN (SELECT TraceId FROM llm_calls WHERE Provider IN (${provider:singlequote})), $provider)
  AND $__conditionalAll(TraceId IN (SELECT TraceId FROM llm_calls WHERE RequestModel IN (${model:singlequote})), $model)`

// Latest is a WITH clause naming `latest`: per run, the newest analysis that
// completed in the time range (analyses keeps one row per status change and
// a run is analyzed again when it grows, so summing rows would count it
// several times). Its columns: TraceId, analysis_id, workflow, created,
// original, optimized, savings (USD, Float64).
const Latest = `WITH latest AS (
  SELECT TraceId, argMax(AnalysisId, (CreatedAt, UpdatedAt)) AS analysis_id, argMax(Workflow, (CreatedAt, UpdatedAt)) AS workflow,
    max(CreatedAt) AS created, toFloat64(argMax(OriginalCostUSD, (CreatedAt, UpdatedAt))) AS original,
    toFloat64(argMax(OptimizedCostUSD, (CreatedAt, UpdatedAt))) AS optimized, toFloat64(argMax(SavingsUSD, (CreatedAt, UpdatedAt))) AS savings
  FROM analyses
  WHERE Status = 'analyzed' AND $__timeFilter(CreatedAt)
    AND $__conditionalAll(Workflow IN (${workflow:singlequote}), $workflow)
    AND ` + RunFilters + `
  GROUP BY TraceId)
`

// InLatest keeps findings of the analyses in Latest.
const InLatest = "(TraceId, AnalysisId) IN (SELECT TraceId, analysis_id FROM latest)"

// Truncated, Failed and PromptTokens are spelled as the calls_hourly
// projection aggregates them, so panels over whole hours are served by it:
// a call stopped at its output-token limit (the finish reasons the
// analyzer's retry detector uses), a call that ended in error, and a call's
// whole prompt (cache reads and writes included, as in pricing.Usage).
const (
	Truncated    = schema.CallTruncated
	Failed       = "(" + schema.CallFailed + ")"
	PromptTokens = schema.CallPromptTokens
)

// Hourly renders a query over llm_calls whose whole hours are answered by
// the calls_hourly projection (schema migration 5) and the minutes at either
// end of the range by the calls themselves, so its sums are exact and most
// of a long range is read pre-aggregated. keys are group columns besides
// time, over the projection's keys ("RequestModel AS model"); parts are
// aggregates the projection holds, each with an alias of its own; outer is
// the select list over the aliases. A time series groups by $__interval_s,
// rounded up to whole hours over ranges of 2 days or more (where that still
// gives 48 points or more), and reads the projection only when its step is
// whole hours.
func Hourly(keys, parts []string, outer string, series bool) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k[strings.LastIndex(k, " AS ")+len(" AS "):]
	}
	with := "WITH toStartOfHour(addSeconds($__fromTime, 3599)) AS from_hour, toStartOfHour($__toTime) AS to_hour\n"
	if series {
		with = "WITH if(dateDiff('second', $__fromTime, $__toTime) >= 172800, intDiv($__interval_s + 3599, 3600) * 3600, $__interval_s) AS step,\n" +
			"  toStartOfHour(addSeconds($__fromTime, 3599)) AS from_hour, if(step % 3600 = 0, toStartOfHour($__toTime), from_hour) AS to_hour\n"
	}
	part := func(bucket, where string) string {
		cols := slices.Concat(keys, parts)
		group := names
		if series {
			cols = slices.Concat([]string{bucket + " AS time"}, cols)
			group = slices.Concat([]string{"time"}, names)
		}
		q := "SELECT " + strings.Join(cols, ", ") + "\n  FROM llm_calls WHERE " + where + "\n    AND " + VariableFilters
		if len(group) > 0 {
			q += "\n  GROUP BY " + strings.Join(group, ", ")
		}
		return q
	}
	head, tail := outer, ""
	if series {
		group := strings.Join(slices.Concat([]string{"time"}, names), ", ")
		head, tail = group+", "+outer, "\nGROUP BY "+group+" ORDER BY "+group
	}
	return with + "SELECT " + head + " FROM (\n  " +
		part("toStartOfInterval(toStartOfHour(Timestamp), toIntervalSecond(step))", "toStartOfHour(Timestamp) >= from_hour AND toStartOfHour(Timestamp) < to_hour") +
		"\n  UNION ALL\n  " +
		part("toStartOfInterval(toDateTime(Timestamp), toIntervalSecond(step))", "$__timeFilter(Timestamp) AND (Timestamp < from_hour OR Timestamp >= to_hour)") +
		")" + tail
}

// Variables are the filter variables of the Overview and Findings
// dashboards: name → the llm_calls column its values come from.
var Variables = []struct{ Name, Column string }{
	{"workflow", "Workflow"}, {"service", "ServiceName"}, {"provider", "Provider"}, {"model", "RequestModel"},
}

// newDashboard starts a dashboard with Kaizen's defaults and links to the
// other dashboards.
func newDashboard(uid, title, description string) *dashboard.DashboardBuilder {
	b := dashboard.NewDashboardBuilder(title).Uid(uid).Description(description).Tags([]string{"kaizen"}).
		Time("now-7d", "now").Refresh("1m").Timezone("utc").Readonly().Tooltip(dashboard.DashboardCursorSyncCrosshair)
	for _, l := range []struct{ uid, title string }{{OverviewUID, "Overview"}, {FindingsUID, "Findings"}, {RunUID, "Run"}} {
		if l.uid == uid {
			continue
		}
		b = b.Link(dashboard.NewDashboardLinkBuilder(l.title).Type(dashboard.DashboardLinkTypeLink).
			Url(DashboardURL(l.uid)).Icon("dashboard").KeepTime(true).IncludeVars(l.uid != RunUID))
	}
	return b
}

// withFilterVariables adds $workflow, $service, $provider and $model, whose
// values are those of the calls in the hours the time range touches (so
// the calls_hourly projection lists them).
func withFilterVariables(b *dashboard.DashboardBuilder) *dashboard.DashboardBuilder {
	for _, v := range Variables {
		q := fmt.Sprintf(`SELECT %[1]s FROM llm_calls
WHERE toStartOfHour(Timestamp) >= toStartOfHour($__fromTime) AND toStartOfHour(Timestamp) <= toStartOfHour($__toTime) AND %[1]s != ''
GROUP BY %[1]s ORDER BY %[1]s`, v.Column)
		b = b.WithVariable(dashboard.NewQueryVariableBuilder(v.Name).Label(v.Name).
			Query(dashboard.StringOrMap{String: &q}).Datasource(*Datasource()).
			IncludeAll(true).Multi(true).Refresh(dashboard.VariableRefreshOnTimeRangeChanged))
	}
	return b
}

// DashboardURL is the path of a provisioned dashboard.
func DashboardURL(uid string) string { return "/d/" + uid }

// fieldLink returns a field override property that makes the field's values
// links to url.
func fieldLink(title, url string) []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{{Id: "links", Value: []map[string]any{{"title": title, "url": url}}}}
}

// RunLink is the Run dashboard of the run whose trace id the field holds.
func RunLink() []dashboard.DynamicConfigValue {
	return fieldLink("Open run", DashboardURL(RunUID)+"?var-trace_id=${__value.raw}&${__url_time_range}")
}

// unit sets a field's unit.
func unit(u string) []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{{Id: "unit", Value: u}}
}

// allFields makes a stat show every field, text ones (status) included.
func allFields() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Values(false).Calcs([]string{"lastNotNull"}).Fields("/.*/")
}

// warnAbove colours a value green below limit and red from it.
func warnAbove(limit float64) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).
		Steps([]dashboard.Threshold{{Color: "green"}, {Value: &limit, Color: "red"}})
}

// ExploreTraceURL opens the run's trace view in Explore with query, a trace
// query of the provisioned datasource; ${trace_id} and the time range are
// left for Grafana to interpolate when the link is followed.
func ExploreTraceURL(sql string) (string, error) {
	const id, from, to = "KAIZENTRACEID", "KAIZENFROM", "KAIZENTO"
	q := Query{RefID: "A", Datasource: Datasource(), EditorType: "sql", QueryType: queryTypes[FormatTraces], Format: FormatTraces,
		RawSQL: strings.ReplaceAll(sql, "${trace_id:singlequote}", "'"+id+"'")}
	panes := map[string]any{"run": map[string]any{
		"datasource": DatasourceUID, "queries": []Query{q}, "range": map[string]string{"from": from, "to": to},
	}}
	raw, err := json.Marshal(panes)
	if err != nil {
		return "", fmt.Errorf("explore link: %w", err)
	}
	u := "/explore?schemaVersion=1&orgId=1&panes=" + url.QueryEscape(string(raw))
	return strings.NewReplacer(id, "${trace_id}", from, "${__from}", to, "${__to}").Replace(u), nil
}

// JSON renders a dashboard as the indented JSON Grafana provisions.
func JSON(d dashboard.Dashboard) ([]byte, error) {
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal dashboard %v: %w", d.Uid, err)
	}
	return append(out, '\n'), nil
}

// Builders lists every dashboard by file name.
var Builders = map[string]func() (dashboard.Dashboard, error){
	"overview.json": Overview, "run.json": Run, "findings.json": Findings,
}

// All builds every dashboard, keyed by file name.
func All() (map[string][]byte, error) {
	files := map[string][]byte{}
	for name, build := range Builders {
		d, err := build()
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", name, err)
		}
		if files[name], err = JSON(d); err != nil {
			return nil, err
		}
	}
	return files, nil
}
