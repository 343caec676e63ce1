package dashboards

import (
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// OverviewUID is the Overview dashboard's stable uid.
const OverviewUID = "kaizen-overview"

// Filters narrows llm_calls by the dashboard variables ($__conditionalAll
// drops a filter when its variable is at All).
const Filters = `$__timeFilter(Timestamp)
  AND $__conditionalAll(Workflow IN (${workflow:singlequote}), $workflow)
  AND $__conditionalAll(ServiceName IN (${service:singlequote}), $service)
  AND $__conditionalAll(Provider IN (${provider:singlequote}), $provider)
  AND $__conditionalAll(RequestModel IN (${model:singlequote}), $model)`

// Variables are the variables of the Overview dashboard: name → the column
// its values come from.
var Variables = []struct{ Name, Column string }{
	{"workflow", "Workflow"}, {"service", "ServiceName"}, {"provider", "Provider"}, {"model", "RequestModel"},
}

// Overview builds the Overview dashboard.
func Overview() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder("Kaizen — Overview").
		Uid(OverviewUID).Tags([]string{"kaizen"}).Time("now-7d", "now").Refresh("1m").Timezone("utc").Readonly()
	for _, v := range Variables {
		q := fmt.Sprintf("SELECT DISTINCT %s FROM llm_calls WHERE $__timeFilter(Timestamp) AND %s != '' ORDER BY 1", v.Column, v.Column)
		b = b.WithVariable(dashboard.NewQueryVariableBuilder(v.Name).Label(v.Name).
			Query(dashboard.StringOrMap{String: &q}).Datasource(*Datasource()).
			IncludeAll(true).Multi(true).Refresh(dashboard.VariableRefreshOnTimeRangeChanged))
	}
	b = b.
		WithPanel(stat.NewPanelBuilder().Id(1).Title("Spend").Unit("currencyUSD").Decimals(4).Height(4).Span(6).
			WithTarget(SQL("A", FormatTable, "SELECT toFloat64(sum(CostUSD)) AS spend_usd FROM llm_calls WHERE "+Filters))).
		WithPanel(stat.NewPanelBuilder().Id(2).Title("Calls").Height(4).Span(6).
			WithTarget(SQL("A", FormatTable, "SELECT count() AS calls FROM llm_calls WHERE "+Filters))).
		WithPanel(stat.NewPanelBuilder().Id(3).Title("Unpriced / partially priced calls").
			Description("Calls whose cost is missing or incomplete: never a silent $0.").Height(4).Span(6).
			WithTarget(SQL("A", FormatTable, "SELECT countIf(PriceStatus = 'unpriced') AS unpriced, countIf(PriceStatus = 'partial') AS partial FROM llm_calls WHERE "+Filters))).
		WithPanel(timeseries.NewPanelBuilder().Id(4).Title("Spend by model").Unit("currencyUSD").Height(8).Span(24).
			WithTarget(SQL("A", FormatTimeSeries, "SELECT $__timeInterval(Timestamp) AS time, RequestModel AS model, toFloat64(sum(CostUSD)) AS spend_usd FROM llm_calls WHERE "+Filters+"\nGROUP BY time, model ORDER BY time, model")))
	return b.Build()
}

// JSON renders a dashboard as the indented JSON Grafana provisions.
func JSON(d dashboard.Dashboard) ([]byte, error) {
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal dashboard %v: %w", d.Uid, err)
	}
	return append(out, '\n'), nil
}

// All builds every dashboard, keyed by file name.
func All() (map[string][]byte, error) {
	files := map[string][]byte{}
	for name, build := range map[string]func() (dashboard.Dashboard, error){"overview.json": Overview} {
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
