package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/kaizenhq/kaizen/grafana/internal/macros"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
	"github.com/kaizenhq/kaizen/internal/testkit/kaizendb"
)

func TestMain(m *testing.M) { os.Exit(chtest.Main(m)) }

// The committed JSON must be what the generator writes now.
func TestCommittedJSONFresh(t *testing.T) {
	files, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", "dashboards", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("grafana/dashboards/%s is stale or missing (%v): run make dashboards", name, err)
		}
	}
}

// readBack unmarshals a dashboard through the SDK, as Grafana's schema
// types, with the ClickHouse query type registered.
func readBack(t *testing.T, raw []byte) dashboard.Dashboard {
	t.Helper()
	plugins.RegisterDefaultPlugins()
	Register()
	var d dashboard.Dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("read dashboard back: %v", err)
	}
	return d
}

func TestDashboardStructure(t *testing.T) {
	files, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for name, raw := range files {
		d := readBack(t, raw)
		defined := map[string]bool{}
		for _, v := range d.Templating.List {
			defined[v.Name] = true
		}
		ids := map[uint32]bool{}
		for _, p := range d.Panels {
			if p.Panel == nil || p.Panel.Id == nil {
				t.Errorf("%s: panel without id", name)
				continue
			}
			if ids[*p.Panel.Id] {
				t.Errorf("%s: panel id %d used twice", name, *p.Panel.Id)
			}
			ids[*p.Panel.Id] = true
			for _, target := range p.Panel.Targets {
				q, ok := target.(Query)
				if !ok {
					t.Fatalf("%s panel %d: target read back as %T, want Query", name, *p.Panel.Id, target)
				}
				if err := q.Validate(); err != nil {
					t.Errorf("%s panel %d: %v", name, *p.Panel.Id, err)
				}
				if q.Datasource == nil || q.Datasource.Uid == nil || *q.Datasource.Uid != DatasourceUID {
					t.Errorf("%s panel %d: datasource is not uid %s", name, *p.Panel.Id, DatasourceUID)
				}
				for _, v := range macros.Variables(q.RawSQL) {
					if !defined[v] {
						t.Errorf("%s panel %d uses undefined variable $%s", name, *p.Panel.Id, v)
					}
				}
			}
		}
	}
}

func TestPanelQueriesOnEngine(t *testing.T) {
	db, _ := kaizendb.New(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	ts := func(m int) string { return now.Add(-time.Duration(m) * time.Minute).Format("2006-01-02 15:04:05") }
	ins := fmt.Sprintf(`INSERT INTO %s.llm_calls (Timestamp, TraceId, SpanId, ServiceName, Workflow, Provider, RequestModel, CostUSD, PriceStatus)
SETTINGS insert_deduplication_token = 'seed' VALUES
('%s', 't1', 's1', 'svc', 'triage', 'openai', 'gpt-4o', 0.5, 'priced'),
('%s', 't1', 's2', 'svc', 'triage', 'anthropic', 'claude', 1.25, 'priced'),
('%s', 't2', 's3', 'svc', 'report', 'openai', 'mystery', 0, 'unpriced'),
('%s', 't2', 's4', 'svc', 'report', 'openai', 'gpt-4o', 0.25, 'partial')`, db, ts(30), ts(29), ts(20), ts(19))
	chtest.Exec(t, ins, ins) // the second is a replay: same token, dropped
	ropts, err := clickhouse.ParseDSN(chtest.URLAs(chtest.Reader()) + "/" + db + "?dial_timeout=10s&read_timeout=1m")
	if err != nil {
		t.Fatal(err)
	}
	r, err := clickhouse.Open(ropts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	all := map[string]string{"workflow": "$__all", "service": "$__all", "provider": "$__all", "model": "$__all"}
	one := map[string]string{"workflow": "triage", "service": "$__all", "provider": "$__all", "model": "$__all"}
	want := map[string]map[string][]any{ // panel title → variable set → first row
		"Spend":                             {"all": {2.0}, "one": {1.75}},
		"Calls":                             {"all": {uint64(4)}, "one": {uint64(2)}},
		"Unpriced / partially priced calls": {"all": {uint64(1), uint64(1)}, "one": {uint64(0), uint64(0)}},
	}
	d := readBack(t, mustJSON(t))
	from, to := now.Add(-time.Hour), now
	for _, v := range d.Templating.List {
		q := *v.Query.String
		for _, set := range []map[string]string{all, one} {
			sql, err := macros.Expand(q, set, from, to, time.Minute)
			if err != nil {
				t.Fatalf("variable %s: %v", v.Name, err)
			}
			rows, err := r.Query(ctx, sql)
			if err != nil {
				t.Fatalf("variable %s: %s: %v", v.Name, sql, err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n == 0 {
				t.Errorf("variable %s lists no values", v.Name)
			}
		}
	}
	executed := 0
	for _, p := range d.Panels {
		for _, target := range p.Panel.Targets {
			q := target.(Query)
			for label, set := range map[string]map[string]string{"all": all, "one": one} {
				sql, err := macros.Expand(q.RawSQL, set, from, to, time.Minute)
				if err != nil {
					t.Fatalf("panel %s: %v", *p.Panel.Title, err)
				}
				row, err := firstRow(ctx, r, sql)
				if err != nil {
					t.Fatalf("panel %s (%s): %s: %v", *p.Panel.Title, label, sql, err)
				}
				executed++
				if w, ok := want[*p.Panel.Title][label]; ok && !reflect.DeepEqual(row, w) {
					t.Errorf("panel %s (%s) = %v, want %v", *p.Panel.Title, label, row, w)
				}
			}
		}
	}
	if executed == 0 {
		t.Fatal("no panel query executed")
	}
}

func mustJSON(t *testing.T) []byte {
	d, err := Overview()
	if err != nil {
		t.Fatal(err)
	}
	b, err := JSON(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstRow(ctx context.Context, conn clickhouse.Conn, sql string) ([]any, error) {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, fmt.Errorf("no rows: %v", rows.Err())
	}
	cols := rows.ColumnTypes()
	ptrs := make([]any, len(cols))
	for i, c := range cols {
		ptrs[i] = reflect.New(c.ScanType()).Interface()
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	out := make([]any, len(ptrs))
	for i, p := range ptrs {
		out[i] = reflect.ValueOf(p).Elem().Interface()
	}
	return out, nil
}
