package dashboards

import (
	"encoding/json"
	"errors"
	"reflect"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
)

// PluginType is the ClickHouse datasource's plugin id.
const PluginType = "grafana-clickhouse-datasource"

// DatasourceUID is the uid of the provisioned datasource
// (grafana/provisioning/datasources/kaizen.yaml).
const DatasourceUID = "kaizen-clickhouse"

// Format is the plugin's result format.
type Format int

// The plugin's formats.
const (
	FormatTimeSeries Format = 0
	FormatTable      Format = 1
	FormatLogs       Format = 2
	FormatTraces     Format = 3
)

var queryTypes = map[Format]string{FormatTimeSeries: "timeseries", FormatTable: "table", FormatLogs: "logs", FormatTraces: "traces"}

// Query is one grafana-clickhouse-datasource query in raw SQL mode.
type Query struct {
	RefID      string                `json:"refId"`
	Datasource *common.DataSourceRef `json:"datasource,omitempty"`
	EditorType string                `json:"editorType"`
	QueryType  string                `json:"queryType,omitempty"`
	Format     Format                `json:"format"`
	RawSQL     string                `json:"rawSql"`
}

// ImplementsDataqueryVariant marks Query as a dataquery.
func (Query) ImplementsDataqueryVariant() {}

// DataqueryType is the plugin id, which the SDK's runtime keys variants by.
func (Query) DataqueryType() string { return PluginType }

// Validate reports a query the plugin could not run.
func (q Query) Validate() error {
	var errs []error
	if q.EditorType != "sql" {
		errs = append(errs, errors.New("editorType must be sql"))
	}
	if q.RawSQL == "" {
		errs = append(errs, errors.New("rawSql is empty"))
	}
	if _, ok := queryTypes[q.Format]; !ok {
		errs = append(errs, errors.New("format must be 0..3"))
	}
	return errors.Join(errs...)
}

// Equals compares two dataqueries.
func (q Query) Equals(other variants.Dataquery) bool {
	o, ok := other.(Query)
	if p, isPtr := other.(*Query); isPtr && p != nil {
		o, ok = *p, true
	}
	return ok && reflect.DeepEqual(q, o)
}

// SQL returns a builder of a raw SQL query on the provisioned datasource.
func SQL(refID string, f Format, sql string) cog.Builder[variants.Dataquery] {
	return queryBuilder{Query{RefID: refID, Datasource: Datasource(), EditorType: "sql", QueryType: queryTypes[f], Format: f, RawSQL: sql}}
}

type queryBuilder struct{ q Query }

func (b queryBuilder) Build() (variants.Dataquery, error) { return b.q, b.q.Validate() }

// Datasource references the provisioned datasource by uid.
func Datasource() *common.DataSourceRef {
	t, u := PluginType, DatasourceUID
	return &common.DataSourceRef{Type: &t, Uid: &u}
}

// Register lets the SDK's runtime read ClickHouse queries back when
// dashboards are unmarshaled.
func Register() {
	unmarshal := func(raw []byte) (variants.Dataquery, error) {
		var q Query
		if err := json.Unmarshal(raw, &q); err != nil {
			return nil, err
		}
		return q, nil
	}
	strict := func(raw []byte) (variants.Dataquery, error) {
		var q Query
		dec := json.NewDecoder(bytesReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return nil, err
		}
		return q, q.Validate()
	}
	cog.NewRuntime().RegisterDataqueryVariant(variants.DataqueryConfig{
		Identifier: PluginType, DataqueryUnmarshaler: unmarshal, StrictDataqueryUnmarshaler: strict,
	})
}
