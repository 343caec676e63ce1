package grafana

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.yaml.in/yaml/v3"

	"github.com/kaizenhq/kaizen/grafana/internal/macros"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
	"github.com/kaizenhq/kaizen/internal/testkit/kaizendb"
)

type alertFile struct {
	Groups []struct {
		Rules []struct {
			UID  string `yaml:"uid"`
			Data []struct {
				RefID             string `yaml:"refId"`
				DatasourceUID     string `yaml:"datasourceUid"`
				RelativeTimeRange struct {
					From int64 `yaml:"from"`
				} `yaml:"relativeTimeRange"`
				Model map[string]any `yaml:"model"`
			} `yaml:"data"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// scalar runs q and returns its single value (Float64 or UInt64) as float64.
func scalar(ctx context.Context, conn driver.Conn, q string) (float64, error) {
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols := rows.ColumnTypes()
	if len(cols) != 1 {
		return 0, fmt.Errorf("%d columns, want 1", len(cols))
	}
	if !rows.Next() {
		return 0, fmt.Errorf("no row: %v", rows.Err())
	}
	v := reflect.New(cols[0].ScanType())
	if err := rows.Scan(v.Interface()); err != nil {
		return 0, err
	}
	if rows.Next() {
		return 0, fmt.Errorf("more than one row")
	}
	switch x := v.Elem().Interface().(type) {
	case float64:
		return x, nil
	case uint64:
		return float64(x), nil
	default:
		return 0, fmt.Errorf("value of type %T", x)
	}
}

// expandAlert expands an alert query: alerts run in the backend, so a
// frontend-only macro such as $__conditionalAll is an error there.
func expandAlert(sql string, from, to time.Time) (string, error) {
	if strings.Contains(sql, "$__conditionalAll") {
		return "", fmt.Errorf("alert query uses the frontend-only $__conditionalAll: %q", sql)
	}
	return macros.Expand(sql, nil, from, to, time.Minute)
}

func TestAlertQueries(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("provisioning", "alerting", "kaizen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var f alertFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("parse alert rules: %v", err)
	}
	db, _ := kaizendb.New(t)
	ctx := context.Background()
	now := time.Now().UTC()
	ts := func(ago time.Duration) string { return now.Add(-ago).Format("2006-01-02 15:04:05.000000000") }
	calls := fmt.Sprintf(`INSERT INTO %s.llm_calls (Timestamp, TraceId, SpanId, CostUSD, PriceStatus) SETTINGS insert_deduplication_token = 'seed-calls' VALUES
('%s', 't1', 's1', 0.5, 'priced'), ('%s', 't1', 's2', 1.25, 'priced'), ('%s', 't2', 's3', 0, 'unpriced'),
('%s', 't2', 's4', 0.25, 'partial'), ('%s', 't3', 's5', 7, 'priced')`,
		db, ts(10*time.Minute), ts(9*time.Minute), ts(8*time.Minute), ts(2*time.Hour), ts(48*time.Hour))
	// The second insert is a replay (same deduplication token, as the
	// exporter retries): it must not be counted.
	chtest.Exec(t, calls, calls)
	chtest.Exec(t, fmt.Sprintf(`INSERT INTO %s.analyses (AnalysisId, TraceId, CreatedAt, UpdatedAt, Status, OriginalCostUSD, SavingsUSD) VALUES
(generateUUIDv4(), 't1', '%[2]s', '%[2]s', 'analyzing', 1.75, 0),
(generateUUIDv4(), 't1', '%[2]s', '%[3]s', 'analyzed', 1.75, 0.7),
(generateUUIDv4(), 't2', '%[2]s', '%[2]s', 'analyzed', 0.25, 0.05),
(generateUUIDv4(), 't3', '%[4]s', '%[4]s', 'analyzed', 7, 7),
(generateUUIDv4(), 't2', '%[5]s', '%[5]s', 'pending', 0, 0)`, db, ts(5*time.Minute), ts(4*time.Minute), ts(47*time.Hour), ts(time.Minute)))
	// t2's re-analysis is still pending: its completed analysis stays in force.

	ropts, err := clickhouse.ParseDSN(chtest.URLAs(chtest.Reader()) + "/" + db + "?dial_timeout=10s&read_timeout=1m")
	if err != nil {
		t.Fatal(err)
	}
	reader, err := clickhouse.Open(ropts)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	want := map[string]float64{
		"kaizen-daily-spend":    0.5 + 1.25 + 0 + 0.25, // t3's call is 48 h old
		"kaizen-waste-percent":  100 * (0.7 + 0.05) / (1.75 + 0.25),
		"kaizen-unpriced-calls": 1, // in the last hour; the partial one is 2 h old
	}
	seen := 0
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			for _, d := range r.Data {
				if d.DatasourceUID == "__expr__" {
					continue
				}
				if d.DatasourceUID != DatasourceUID {
					t.Errorf("rule %s query %s: datasource %q, want %q", r.UID, d.RefID, d.DatasourceUID, DatasourceUID)
					continue
				}
				sql, _ := d.Model["rawSql"].(string)
				if strings.Contains(sql, "$__conditionalAll") {
					t.Errorf("rule %s uses $__conditionalAll, a frontend macro alerts never expand", r.UID)
				}
				q, err := expandAlert(sql, now.Add(-time.Duration(d.RelativeTimeRange.From)*time.Second), now.Add(time.Minute))
				if err != nil {
					t.Errorf("rule %s: %v", r.UID, err)
					continue
				}
				got, err := scalar(ctx, reader, q)
				if err != nil {
					t.Errorf("rule %s: %s: %v", r.UID, q, err)
					continue
				}
				w, ok := want[r.UID]
				if !ok {
					t.Errorf("rule %s has no expected value in this test", r.UID)
					continue
				}
				if diff := got - w; diff > 1e-9 || diff < -1e-9 {
					t.Errorf("rule %s = %v, want %v", r.UID, got, w)
				}
				seen++
			}
		}
	}
	if seen != len(want) {
		t.Errorf("executed %d alert queries, want %d", seen, len(want))
	}
}
