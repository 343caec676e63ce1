package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
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
	committed, err := filepath.Glob(filepath.Join("..", "..", "dashboards", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range committed {
		if _, ok := files[filepath.Base(path)]; !ok {
			t.Errorf("grafana/dashboards/%s is not generated any more: delete it", filepath.Base(path))
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

// built reads back every generated dashboard, keyed by uid.
func built(t *testing.T) map[string]dashboard.Dashboard {
	t.Helper()
	files, err := All()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]dashboard.Dashboard{}
	for _, raw := range files {
		d := readBack(t, raw)
		out[*d.Uid] = d
	}
	return out
}

// linkedUID returns the uid of the dashboard a link URL opens, "" for a
// link elsewhere.
func linkedUID(u string) string {
	if !strings.HasPrefix(u, "/d/") {
		return ""
	}
	uid, _, _ := strings.Cut(strings.TrimPrefix(u, "/d/"), "?")
	uid, _, _ = strings.Cut(uid, "/")
	return uid
}

func TestDashboardStructure(t *testing.T) {
	ds := built(t)
	for _, uid := range []string{OverviewUID, RunUID, FindingsUID} {
		if _, ok := ds[uid]; !ok {
			t.Errorf("no dashboard with uid %s", uid)
		}
	}
	for uid, d := range ds {
		defined := map[string]bool{}
		for _, v := range d.Templating.List {
			defined[v.Name] = true
			if v.Datasource == nil || v.Datasource.Uid == nil || *v.Datasource.Uid != DatasourceUID {
				t.Errorf("%s variable %s: datasource is not uid %s", uid, v.Name, DatasourceUID)
			}
		}
		for _, l := range d.Links {
			if l.Url == nil {
				t.Errorf("%s link %q has no URL", uid, l.Title)
				continue
			}
			to := linkedUID(*l.Url)
			if strings.HasPrefix(*l.Url, "/explore") {
				checkExploreLink(t, *l.Url, defined)
				continue
			}
			if _, ok := ds[to]; !ok {
				t.Errorf("%s link %q goes to %q, not a generated dashboard", uid, l.Title, *l.Url)
			}
		}
		ids := map[uint32]bool{}
		for _, p := range d.Panels {
			if p.Panel == nil || p.Panel.Id == nil {
				t.Errorf("%s: panel without id", uid)
				continue
			}
			id := *p.Panel.Id
			if ids[id] {
				t.Errorf("%s: panel id %d used twice", uid, id)
			}
			ids[id] = true
			if len(p.Panel.Targets) == 0 {
				t.Errorf("%s panel %d has no query", uid, id)
			}
			for _, target := range p.Panel.Targets {
				q, ok := target.(Query)
				if !ok {
					t.Fatalf("%s panel %d: target read back as %T, want Query", uid, id, target)
				}
				if err := q.Validate(); err != nil {
					t.Errorf("%s panel %d: %v", uid, id, err)
				}
				if q.Datasource == nil || q.Datasource.Uid == nil || *q.Datasource.Uid != DatasourceUID {
					t.Errorf("%s panel %d: datasource is not uid %s", uid, id, DatasourceUID)
				}
				for _, v := range macros.Variables(q.RawSQL) {
					if !defined[v] {
						t.Errorf("%s panel %d uses undefined variable $%s", uid, id, v)
					}
				}
			}
			for _, u := range fieldLinkURLs(t, p.Panel) {
				if _, ok := ds[linkedUID(u)]; !ok {
					t.Errorf("%s panel %d links to %q, not a generated dashboard", uid, id, u)
				}
				target := ds[linkedUID(u)]
				for _, v := range linkVariables(u) {
					if !slices.ContainsFunc(target.Templating.List, func(m dashboard.VariableModel) bool { return m.Name == v }) {
						t.Errorf("%s panel %d links with var-%s, which %s does not define", uid, id, v, linkedUID(u))
					}
				}
			}
		}
	}
}

// fieldLinkURLs lists the data link URLs a panel's field overrides set.
func fieldLinkURLs(t *testing.T, p *dashboard.Panel) []string {
	t.Helper()
	var out []string
	if p.FieldConfig == nil {
		return nil
	}
	for _, o := range p.FieldConfig.Overrides {
		for _, prop := range o.Properties {
			if prop.Id != "links" {
				continue
			}
			raw, err := json.Marshal(prop.Value)
			if err != nil {
				t.Fatal(err)
			}
			var links []struct{ URL string }
			if err := json.Unmarshal(raw, &links); err != nil {
				t.Fatalf("panel %d links: %v", *p.Id, err)
			}
			for _, l := range links {
				out = append(out, l.URL)
			}
		}
	}
	return out
}

// linkVariables lists the variables a dashboard URL sets (var-NAME).
func linkVariables(u string) []string {
	_, query, _ := strings.Cut(u, "?")
	var out []string
	for _, kv := range strings.Split(query, "&") {
		if name, ok := strings.CutPrefix(kv, "var-"); ok {
			name, _, _ = strings.Cut(name, "=")
			out = append(out, name)
		}
	}
	return out
}

// checkExploreLink decodes an Explore link: a pane on the datasource with
// one trace query, whose SQL is the Run dashboard's trace panel query.
func checkExploreLink(t *testing.T, u string, defined map[string]bool) {
	t.Helper()
	parsed, err := url.Parse(strings.NewReplacer("${trace_id}", "TRACE", "${__from}", "1", "${__to}", "2").Replace(u))
	if err != nil {
		t.Fatalf("explore link %q: %v", u, err)
	}
	var panes map[string]struct {
		Datasource string  `json:"datasource"`
		Queries    []Query `json:"queries"`
		Range      struct{ From, To string }
	}
	if err := json.Unmarshal([]byte(parsed.Query().Get("panes")), &panes); err != nil {
		t.Fatalf("explore link panes: %v", err)
	}
	if len(panes) != 1 {
		t.Fatalf("explore link has %d panes, want 1", len(panes))
	}
	if !defined["trace_id"] {
		t.Errorf("explore link uses $trace_id, not defined on its dashboard")
	}
	for _, p := range panes {
		if p.Datasource != DatasourceUID || len(p.Queries) != 1 || p.Queries[0].Format != FormatTraces || p.Range.From != "1" {
			t.Errorf("explore pane = %+v, want one trace query on %s over the dashboard's range", p, DatasourceUID)
			continue
		}
		if want := strings.ReplaceAll(TraceSQL, "${trace_id:singlequote}", "'TRACE'"); p.Queries[0].RawSQL != want {
			t.Errorf("explore query is not the trace panel's:\n%s", p.Queries[0].RawSQL)
		}
	}
}

// varSet is one assignment of a dashboard's variables.
type varSet struct {
	label string
	vars  map[string]string
}

// check is what a panel query must return: First compares the first row's
// leading columns, All every row's leading columns, Folded the rows of a
// time series with the time column dropped and numbers summed per series
// (time buckets depend on when the test runs). A nil check only requires
// the query to run and, for the first set, to return a row.
type check struct {
	First  []any
	All    [][]any
	Folded [][]any
}

func TestPanelQueriesOnEngine(t *testing.T) {
	db, _ := kaizendb.New(t)
	ctx := context.Background()
	// Two hours ending at 45 past an hour: the hour before that hour is read
	// from the calls_hourly projection (t1's calls fall in it), the minutes
	// at either end from the calls.
	to := time.Now().UTC().Truncate(time.Hour).Add(-time.Hour + 45*time.Minute)
	from := to.Add(-2 * time.Hour)
	seed(t, db, to)
	ropts, err := clickhouse.ParseDSN(chtest.URLAs(chtest.Reader()) + "/" + db + "?dial_timeout=10s&read_timeout=1m")
	if err != nil {
		t.Fatal(err)
	}
	r, err := clickhouse.Open(ropts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	at := func(name, value string) map[string]string {
		m := map[string]string{"workflow": "$__all", "service": "$__all", "provider": "$__all", "model": "$__all"}
		if name != "" {
			m[name] = value
		}
		return m
	}
	filterSets := []varSet{{"all", at("", "")}, {"workflow", at("workflow", "triage")}, {"service", at("service", "svc-b")},
		{"provider", at("provider", "anthropic")}, {"model", at("model", "gpt-4o")}}
	sets := map[string][]varSet{
		OverviewUID: filterSets, FindingsUID: filterSets,
		RunUID: {{"t1", map[string]string{"trace_id": "t1"}}, {"t2", map[string]string{"trace_id": "t2"}}, {"t3", map[string]string{"trace_id": "t3"}}},
	}
	u := func(n uint64) any { return n }
	none := [][]any{}
	want := map[string]map[string]map[string]check{ // dashboard → panel → set → check
		OverviewUID: {
			"Spend": {"all": {First: []any{2.5}}, "workflow": {First: []any{2.25}}, "service": {First: []any{0.25}},
				"provider": {First: []any{1.25}}, "model": {First: []any{1.25}}},
			"Calls": {"all": {First: []any{u(5)}}, "workflow": {First: []any{u(3)}}, "model": {First: []any{u(3)}}},
			"Runs":  {"all": {First: []any{u(3)}}, "workflow": {First: []any{u(2)}}, "provider": {First: []any{u(1)}}},
			// Zero is a number, never "No data".
			"Unpriced / partially priced calls": {"all": {First: []any{u(1), u(1)}}, "workflow": {First: []any{u(0), u(0)}},
				"service": {First: []any{u(1), u(1)}}},
			// t1's newer analysis (1.00 of 1.75) and t2's (0.05 of 0.25); t3 is not analyzed yet.
			"Waste found": {"all": {First: []any{1.05, 0.525, u(2)}}, "workflow": {First: []any{1.0, 1.0 / 1.75, u(1)}},
				"service": {First: []any{0.05, 0.2, u(1)}}, "provider": {First: []any{1.0, 1.0 / 1.75, u(1)}}},
			// 0.525 saved per analyzed run × 3 runs in 2 hours × 360.
			"Projected monthly waste": {"all": {First: []any{0.525 * 3 * 360}}, "workflow": {First: []any{1.0 * 2 * 360}}},
			"Cache hit ratio":         {"all": {First: []any{800.0 / 4600}}, "workflow": {First: []any{800.0 / 4000}}, "service": {First: []any{0.0}}},
			"Error and truncation rate": {"all": {First: []any{0.2, 0.2}}, "workflow": {First: []any{0.0, 1.0 / 3}},
				"service": {First: []any{0.5, 0.0}}},
			// Durations 1, 2, 2, 3, 4 s; streamed first chunks 0.4, 0.5, 1 s.
			"Latency":                       {"all": {First: []any{2.0, 3.8, 0.5, 0.95}}, "service": {First: []any{2.0, 2.9, nil, nil}}},
			"Spend by model":                {"all": {Folded: [][]any{{"claude-sonnet-4", 1.25}, {"gpt-4o", 1.25}, {"mystery", 0.0}}}},
			"Spend by provider":             {"all": {Folded: [][]any{{"anthropic", 1.25}, {"openai", 1.25}}}},
			"Spend by workflow":             {"all": {Folded: [][]any{{"report", 0.25}, {"triage", 2.25}}}},
			"Spend by agent":                {"all": {Folded: [][]any{{"planner", 1.0}, {"writer", 1.5}}}, "provider": {Folded: [][]any{{"writer", 1.25}}}},
			"Tokens":                        {"all": {Folded: [][]any{{u(4600), u(1000), u(800), u(1000), u(50)}}}},
			"Calls, errors and truncations": {"all": {Folded: [][]any{{u(5), u(1), u(1)}}}},
			"Cost per run": {"all": {All: [][]any{{"$0.2–$0.5", u(1)}, {"$0.5–$1", u(1)}, {"$1–$2", u(1)}}},
				"workflow": {All: [][]any{{"$0.5–$1", u(1)}, {"$1–$2", u(1)}}}},
			"Most expensive runs": {"all": {All: [][]any{
				{"t1", "triage", "svc-a", u(2), u(3700), 1.75, u(0), ptr(1.0)},
				{"t3", "triage", "svc-a", u(1), u(1200), 0.5, u(0), nil},
				{"t2", "report", "svc-b", u(2), u(700), 0.25, u(2), ptr(0.05)}}}},
			"Savings found by waste type": {"all": {All: [][]any{{"model_overkill", 0.55}, {"redundant_call", 0.5}}},
				"workflow": {All: [][]any{{"model_overkill", 0.5}, {"redundant_call", 0.5}}}, "service": {All: [][]any{{"model_overkill", 0.05}}}},
		},
		RunUID: {
			"Run": {"t1": {First: []any{1.75, u(2), u(0), u(3000), u(700), 64.0}}, "t2": {First: []any{0.25, u(2), u(2), u(600), u(100), 63.0}}},
			"Calls": {"t1": {All: [][]any{
				{u(1), "planner", "gpt-4o", "openai", u(1000), u(200), u(400), 0.5, "priced", 2.0, 0.5, "stop", "ok"},
				{u(2), "writer", "claude-sonnet-4", "anthropic", u(2000), u(500), u(0), 1.25, "priced", 4.0, 1.0, "max_tokens", "ok"}}},
				"t2": {First: []any{u(1), "planner", "mystery", "openai", u(100), u(0), u(0), 0.0, "unpriced", 1.0, 0.0, "", "http_500"}}},
			"Cost by agent": {"t1": {All: [][]any{{"writer", 1.25}, {"planner", 0.5}}}},
			"Cost by model": {"t1": {All: [][]any{{"claude-sonnet-4", 1.25}, {"gpt-4o", 0.5}}}},
			"Latest analysis": {"t1": {First: []any{"analyzed", 1.75, 0.75, 1.0, 1.0 / 1.75, uint32(2)}},
				"t2": {First: []any{"failed", 0.0, 0.0, 0.0, 0.0, uint32(0)}}, "t3": {First: []any{"analyzing", 0.0, 0.0, 0.0, 0.0, uint32(0)}}},
			"Findings": {"t1": {All: [][]any{{uint32(1), "model_overkill", "high", "#2"}, {uint32(2), "redundant_call", "medium", "#1"}}},
				"t2": {All: [][]any{{uint32(1), "model_overkill", "low", "#2", "gpt-4o for a summary", "use gpt-4o-mini", 0.05}}},
				"t3": {All: none}},
			"Analyses": {"t1": {All: [][]any{{mustUUID("a2"), "analyzed"}, {mustUUID("a1"), "analyzed"}}},
				"t2": {All: [][]any{{mustUUID("a5"), "failed"}, {mustUUID("a3"), "analyzed"}}}},
			"Trace": {"t1": {All: [][]any{{"t1", "root", ""}, {"t1", "s1", "root"}, {"t1", "s2", "root"}}}, "t2": {All: none}},
		},
		FindingsUID: {
			"Findings": {"all": {First: []any{u(3), u(2), 2.0, 1.05, 0.525}}, "workflow": {First: []any{u(2), u(1), 1.75, 1.0, 1.0 / 1.75}},
				"model": {First: []any{u(3), u(2), 2.0, 1.05, 0.525}}},
			"Findings by type":  {"all": {Folded: [][]any{{"model_overkill", u(2)}, {"redundant_call", u(1)}}}},
			"Savings potential": {"all": {Folded: [][]any{{1.05, 2.0}}}},
			"Most repeated prompts": {"all": {All: [][]any{{"h1", u(3), u(3), 1.0, 0.5, "planner", "gpt-4o, mystery"}}},
				"workflow": {All: [][]any{{"h1", u(2), u(2), 1.0, 0.5, "planner", "gpt-4o"}}}, "service": {All: none}},
			"Models most flagged as overkill": {"all": {All: [][]any{{"claude-sonnet-4", u(1), u(1), u(1), 1.25, 0.5}, {"gpt-4o", u(1), u(1), u(1), 0.25, 0.05}}},
				"service": {All: [][]any{{"gpt-4o", u(1), u(1), u(1), 0.25, 0.05}}}},
			"Workflows by waste": {"all": {All: [][]any{{"triage", u(1), 1.75, 1.0, 1.0 / 1.75}, {"report", u(1), 0.25, 0.05, 0.2}}}},
			// triage cost 1.75 per run before the middle of the range and 0.50 after.
			"Realized savings": {"all": {All: [][]any{{"triage", 1.75, 0.5, u(1), 1.25}}}, "service": {All: none}},
			"Recent findings": {"all": {All: [][]any{
				{"t1", "triage", "model_overkill"}, {"t1", "triage", "redundant_call"}, {"t2", "report", "model_overkill"}}}},
		},
	}

	ds := built(t)
	executed := 0
	// A minute interval reads time series from the calls only, an hour
	// from the projection too: both must give the same values.
	for _, interval := range []time.Duration{time.Minute, time.Hour} {
		for uid, d := range ds {
			executed += checkDashboard(t, ctx, r, db, d, sets[uid], want[uid], from, to, interval)
		}
	}
	if executed == 0 {
		t.Fatal("no panel query executed")
	}
}

// checkDashboard runs every variable and panel query of d (in database db)
// with each set of variables and checks the results against want (panel → set → check),
// returning how many panel queries ran.
func checkDashboard(t *testing.T, ctx context.Context, r driver.Conn, db string, d dashboard.Dashboard, sets []varSet,
	want map[string]map[string]check, from, to time.Time, interval time.Duration) int {
	t.Helper()
	uid := *d.Uid
	for _, v := range d.Templating.List {
		for _, set := range sets {
			sql, err := macros.Expand(*v.Query.String, set.vars, from, to, interval)
			if err != nil {
				t.Fatalf("%s variable %s: %v", uid, v.Name, err)
			}
			rows, err := queryRows(ctx, r, sql)
			if err != nil {
				t.Fatalf("%s variable %s: %s: %v", uid, v.Name, sql, err)
			}
			if len(rows) == 0 {
				t.Errorf("%s variable %s lists no values", uid, v.Name)
			}
			if v.Name != "trace_id" {
				requireProjection(t, ctx, db, sql, uid+" variable "+v.Name)
			}
		}
	}
	executed := 0
	titles := map[string]bool{}
	for _, p := range d.Panels {
		title := *p.Panel.Title
		titles[title] = true
		for _, target := range p.Panel.Targets {
			q := target.(Query)
			for i, set := range sets {
				sql, err := macros.Expand(q.RawSQL, set.vars, from, to, interval)
				if err != nil {
					t.Fatalf("%s panel %s: %v", uid, title, err)
				}
				rows, err := queryRows(ctx, r, sql)
				if err != nil {
					t.Fatalf("%s panel %s (%s, %s): %s: %v", uid, title, set.label, interval, sql, err)
				}
				executed++
				if strings.Contains(q.RawSQL, "from_hour") && interval == time.Hour && i == 0 {
					requireProjection(t, ctx, db, sql, uid+" panel "+title)
				}
				c, ok := want[title][set.label]
				if !ok {
					if i == 0 && len(rows) == 0 {
						t.Errorf("%s panel %s (%s) returned no rows", uid, title, set.label)
					}
					continue
				}
				if err := c.verify(rows, q.Format == FormatTimeSeries); err != nil {
					t.Errorf("%s panel %s (%s, %s interval): %v", uid, title, set.label, interval, err)
				}
			}
		}
	}
	for title := range want {
		if !titles[title] {
			t.Errorf("%s has no panel %q to check", uid, title)
		}
	}
	return executed
}

// requireProjection fails the test unless a projection (calls_hourly)
// serves sql, run in db on the writer's in-process connection, which may
// set what the reader may not.
func requireProjection(t *testing.T, ctx context.Context, db, sql, what string) {
	t.Helper()
	sql = strings.ReplaceAll(sql, "FROM llm_calls", "FROM `"+db+"`.llm_calls") + "\nSETTINGS force_optimize_projection = 1"
	if _, err := chtest.Server().Conn().QueryString(ctx, sql, "TabSeparated"); err != nil {
		t.Errorf("%s does not read the calls_hourly projection: %v", what, err)
	}
}

func ptr(f float64) *float64 { return &f }

// mustUUID is the seeded analysis id ending in suffix.
func mustUUID(suffix string) string { return "00000000-0000-0000-0000-0000000000" + suffix }

func (c check) verify(rows [][]any, timeSeries bool) error {
	switch {
	case c.First != nil:
		if len(rows) == 0 {
			return fmt.Errorf("no rows, want first %v", c.First)
		}
		return prefixEqual(rows[0], c.First)
	case c.All != nil:
		if len(rows) != len(c.All) {
			return fmt.Errorf("%d rows %v, want %d %v", len(rows), rows, len(c.All), c.All)
		}
		for i := range rows {
			if err := prefixEqual(rows[i], c.All[i]); err != nil {
				return fmt.Errorf("row %d: %w", i, err)
			}
		}
	case c.Folded != nil:
		if !timeSeries {
			return fmt.Errorf("Folded is for time series")
		}
		got := fold(rows)
		if len(got) != len(c.Folded) {
			return fmt.Errorf("folded %v, want %v", got, c.Folded)
		}
		for i := range got {
			if err := prefixEqual(got[i], c.Folded[i]); err != nil {
				return fmt.Errorf("series %d: %w", i, err)
			}
		}
	}
	return nil
}

// fold drops a time series' time column and sums its numbers per series
// (the string columns), sorted by series.
func fold(rows [][]any) [][]any {
	sums := map[string][]any{}
	for _, row := range rows {
		var key []string
		for _, v := range row[1:] {
			if s, ok := v.(string); ok {
				key = append(key, s)
			}
		}
		k := strings.Join(key, "\x00")
		acc, ok := sums[k]
		if !ok {
			sums[k] = slices.Clone(row[1:])
			continue
		}
		for i, v := range row[1:] {
			switch x := v.(type) {
			case uint64:
				acc[i] = acc[i].(uint64) + x
			case float64:
				acc[i] = acc[i].(float64) + x
			}
		}
	}
	keys := make([]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([][]any, len(keys))
	for i, k := range keys {
		out[i] = sums[k]
	}
	return out
}

// prefixEqual compares the leading columns of row with want, floats to 1e-9
// and pointers by what they point to.
func prefixEqual(row, want []any) error {
	if len(row) < len(want) {
		return fmt.Errorf("%d columns %v, want at least %d %v", len(row), row, len(want), want)
	}
	for i, w := range want {
		g, w := deref(row[i]), deref(w)
		if gf, ok := g.(float64); ok {
			if wf, ok := w.(float64); ok && math.Abs(gf-wf) <= 1e-9*math.Max(1, math.Abs(wf)) {
				continue
			}
		}
		if s, ok := g.(fmt.Stringer); ok {
			if ws, ok := w.(string); ok && s.String() == ws {
				continue
			}
		}
		if !reflect.DeepEqual(g, w) {
			return fmt.Errorf("column %d = %#v, want %#v (row %v)", i, g, w, row)
		}
	}
	return nil
}

// deref is what a pointer (a Nullable column) points to, nil for NULL.
func deref(v any) any {
	r := reflect.ValueOf(v)
	if r.Kind() != reflect.Pointer {
		return v
	}
	if r.IsNil() {
		return nil
	}
	return r.Elem().Interface()
}

// queryRows runs sql and returns every row, each column as the driver's
// scan type.
func queryRows(ctx context.Context, conn driver.Conn, sql string) ([][]any, error) {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := rows.ColumnTypes()
	var out [][]any
	for rows.Next() {
		ptrs := make([]any, len(cols))
		for i, c := range cols {
			ptrs[i] = reflect.New(c.ScanType()).Interface()
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]any, len(ptrs))
		for i, p := range ptrs {
			row[i] = reflect.ValueOf(p).Elem().Interface()
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
