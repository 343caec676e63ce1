package dashboards

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// The dashboards' stable uids: links and provisioning refer to them.
const (
	OverviewUID = "kaizen-overview"
	RunUID      = "kaizen-run"
	FindingsUID = "kaizen-findings"
)

// Filters narrows llm_calls by the dashboard variables ($__conditionalAll
// drops a filter when its variable is at All).
const Filters = `$__timeFilter(Timestamp)
  AND $__conditionalAll(Workflow IN (${workflow:singlequote}), $workflow)
  AND $__conditionalAll(ServiceName IN (${service:singlequote}), $service)
  AND $__conditionalAll(Provider IN (${provider:singlequote}), $provider)
  AND $__conditionalAll(RequestModel IN (${model:singlequote}), $model)`

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

// Truncated is true for a call stopped at its output-token limit (the
// analyzer's retry detector uses the same finish reasons).
const Truncated = "arrayExists(r -> lower(r) IN ('length', 'max_tokens', 'max_output_tokens'), FinishReasons)"

// Failed is true for a call that ended in error.
const Failed = "(StatusCode = 'Error' OR ErrorType != '')"

// PromptTokens is a call's whole prompt: InputTokens includes cache reads
// and writes unless it is smaller than them (Anthropic's raw usage), as in
// internal/domain/pricing.
const PromptTokens = "if(InputTokens < CacheReadTokens + CacheWriteTokens, InputTokens + CacheReadTokens + CacheWriteTokens, InputTokens)"

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

// withFilterVariables adds $workflow, $service, $provider and $model.
func withFilterVariables(b *dashboard.DashboardBuilder) *dashboard.DashboardBuilder {
	for _, v := range Variables {
		q := fmt.Sprintf("SELECT DISTINCT %s FROM llm_calls WHERE $__timeFilter(Timestamp) AND %s != '' ORDER BY 1", v.Column, v.Column)
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
