package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/scheduler"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestMain(m *testing.M) { os.Exit(chtest.Main(m)) }

// fixtureSince reaches back to the fixtures' 2025 timestamps.
const fixtureSince = "since=3650d"

type fixture struct {
	srv   *httptest.Server
	store *store.Store
	dsn   string
	trace string
	sched *scheduler.Scheduler
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	for _, k := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI"} {
		t.Setenv(k, "")
	}
	dsn := storetest.NewDatabase(t)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	reg := prometheus.NewRegistry()
	an := analysis.New(s, pricing.Default(), nil)
	sched, err := scheduler.New(s, an, scheduler.Config{}, log, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sched.Shutdown() })
	cfg.Store, cfg.Submitter, cfg.Analyzer, cfg.Prices, cfg.Gatherer, cfg.Log = s, sched, an, pricing.Default(), reg, log
	api, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, store: s, dsn: dsn, trace: r.TraceID, sched: sched}
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (f *fixture) do(t *testing.T, method, path, body string, hdr ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	rep := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &rep.body); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return rep
}

func (f *fixture) ok(t *testing.T, method, path, body string, want int) map[string]any {
	t.Helper()
	rep := f.do(t, method, path, body)
	if rep.status != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, rep.status, want, rep.raw)
	}
	return rep.body
}

// TestAnalyzeThroughTheAPI walks a client through a run: list it, start
// an analysis, poll it, read its findings everywhere they are served.
func TestAnalyzeThroughTheAPI(t *testing.T) {
	f := newFixture(t, Config{})
	if got := f.ok(t, "GET", "/healthz", "", 200); got["status"] != "ok" {
		t.Errorf("health %v", got)
	}
	runs := f.ok(t, "GET", "/api/v1/runs?"+fixtureSince+"&analyzed=false", "", 200)["runs"].([]any)
	if len(runs) != 1 || runs[0].(map[string]any)["trace_id"] != f.trace || runs[0].(map[string]any)["last_analysis"] != nil {
		t.Fatalf("unanalyzed runs %v", runs)
	}
	run := f.ok(t, "GET", "/api/v1/runs/"+strings.ToUpper(f.trace), "", 200)
	if run["kind"] != "run" || run["calls"] != 4.0 {
		t.Errorf("run %v", run)
	}

	acc := f.do(t, "POST", "/api/v1/runs/"+f.trace+"/analyze", `{"mode":"offline"}`)
	id, _ := acc.body["analysis_id"].(string)
	if acc.status != http.StatusAccepted || id == "" || acc.header.Get("Location") != "/api/v1/analyses/"+id {
		t.Fatalf("analyze: %d %v %v", acc.status, acc.header, acc.body)
	}
	var a map[string]any
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		a = f.ok(t, "GET", "/api/v1/analyses/"+id, "", 200)
		if a["status"] == "analyzed" || a["status"] == "failed" || time.Now().After(deadline) {
			break
		}
	}
	want, err := analysis.New(f.store, pricing.Default(), nil).Analyze(context.Background(), f.trace, analysis.Options{Offline: true, NoStore: true})
	if err != nil {
		t.Fatal(err)
	}
	findings := a["findings"].([]any)
	if a["status"] != "analyzed" || a["summary"].(map[string]any)["savings_usd"] != want.Summary.Savings.String() ||
		len(findings) != len(want.Findings) || a["finding_count"] != float64(len(want.Findings)) || a["analyzer_version"] != analysis.Version {
		t.Fatalf("analysis %v, want savings %s and %d findings", a, want.Summary.Savings, len(want.Findings))
	}
	for i, fd := range findings {
		if got := fd.(map[string]any); got["type"] != string(want.Findings[i].Type) || got["savings_usd"] != want.Findings[i].Savings.String() {
			t.Errorf("finding %d: %v, analyze says %+v", i, got, want.Findings[i])
		}
	}
	if latest := f.ok(t, "GET", "/api/v1/runs/"+f.trace+"/analysis", "", 200); latest["analysis_id"] != id {
		t.Errorf("latest analysis %v, want %s", latest["analysis_id"], id)
	}
	all := f.ok(t, "GET", "/api/v1/findings?since=1h", "", 200)
	if got := all["findings"].([]any); len(got) != len(want.Findings) || got[0].(map[string]any)["analysis_id"] != id {
		t.Errorf("findings %v", all)
	}
	typ := string(want.Findings[0].Type)
	one := f.ok(t, "GET", "/api/v1/findings?type="+typ+"&limit=1", "", 200)
	if got := one["findings"].([]any); len(got) != 1 || got[0].(map[string]any)["type"] != typ {
		t.Errorf("findings of type %s: %v", typ, one)
	}
	if analyzed := f.ok(t, "GET", "/api/v1/runs?"+fixtureSince+"&analyzed=true", "", 200)["runs"].([]any); len(analyzed) != 1 {
		t.Errorf("analyzed runs %v", analyzed)
	}
	ws := f.ok(t, "GET", "/api/v1/workflows?"+fixtureSince, "", 200)["workflows"].([]any)
	if len(ws) != 1 || ws[0].(map[string]any)["workflow"] != "checkout" || ws[0].(map[string]any)["analyzed_runs"] != 1.0 {
		t.Errorf("workflows %v", ws)
	}
	wi := f.ok(t, "GET", "/api/v1/runs/"+f.trace+"/what-if?model=gpt-4o-mini", "", 200)
	if wi["kind"] != "what_if" || !strings.HasPrefix(wi["delta_usd"].(string), "-") {
		t.Errorf("what-if %v", wi)
	}
	other := storetest.Build("0000000000000000000000000000000b", "checkout", storetest.SampleSpecs()[:2])
	storetest.InsertRun(t, f.dsn, other)
	d := f.ok(t, "GET", "/api/v1/runs/"+f.trace+"/diff/"+other.TraceID, "", 200)
	if d["kind"] != "diff" || d["realized_saving_usd"] != (storetest.Sample().TotalCost()-other.TotalCost()).String() ||
		!strings.HasPrefix(d["prediction_source"].(string), "analysis "+id) {
		t.Errorf("diff %v", d)
	}
	metrics := f.do(t, "GET", "/metrics", "")
	if metrics.status != 200 || !strings.Contains(metrics.raw, `kaizen_analyses_total{mode="offline",outcome="analyzed",trigger="api"} 1`) {
		t.Errorf("metrics %d:\n%s", metrics.status, metrics.raw)
	}
}

func TestPagination(t *testing.T) {
	f := newFixture(t, Config{})
	first := f.ok(t, "GET", "/api/v1/runs?"+fixtureSince+"&limit=1", "", 200)
	if page := first["page"].(map[string]any); page["next_offset"] != nil || len(first["runs"].([]any)) != 1 {
		t.Errorf("the only run: %v", first)
	}
	if empty := f.ok(t, "GET", "/api/v1/runs?"+fixtureSince+"&offset=1", "", 200); len(empty["runs"].([]any)) != 0 {
		t.Errorf("past the end: %v", empty)
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t, Config{})
	unknownTrace := "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		code, message            string
	}{
		{"bad trace id", "GET", "/api/v1/runs/xyz", "", nil, 400, "bad_request", "trace id"},
		{"unknown trace", "GET", "/api/v1/runs/" + unknownTrace, "", nil, 404, "not_found", "not found"},
		{"analyze unknown trace", "POST", "/api/v1/runs/" + unknownTrace + "/analyze", "", nil, 404, "not_found", "not found"},
		{"never analyzed", "GET", "/api/v1/runs/" + unknownTrace + "/analysis", "", nil, 404, "not_found", "no analysis"},
		{"bad analysis id", "GET", "/api/v1/analyses/42", "", nil, 400, "bad_request", "want a UUID"},
		{"unknown analysis", "GET", "/api/v1/analyses/3e9076aa-6477-45ac-9ed8-5e8105642211", "", nil, 404, "not_found", "not found"},
		{"limit 0", "GET", "/api/v1/runs?limit=0", "", nil, 400, "bad_request", "limit"},
		{"limit too big", "GET", "/api/v1/findings?limit=501", "", nil, 400, "bad_request", "1 to 500"},
		{"bad since", "GET", "/api/v1/runs?since=yesterday", "", nil, 400, "bad_request", "since"},
		{"until before since", "GET", "/api/v1/runs?since=1h&until=2h", "", nil, 400, "bad_request", "not after"},
		{"unknown parameter", "GET", "/api/v1/runs?workfow=x", "", nil, 400, "bad_request", `unknown parameter "workfow"`},
		{"repeated parameter", "GET", "/api/v1/runs?model=a&model=b", "", nil, 400, "bad_request", "2 times"},
		{"bad analyzed", "GET", "/api/v1/runs?analyzed=maybe", "", nil, 400, "bad_request", "true or false"},
		{"bad min cost", "GET", "/api/v1/runs?min_cost=lots", "", nil, 400, "bad_request", "min_cost"},
		{"bad finding type", "GET", "/api/v1/findings?type=waste", "", nil, 400, "bad_request", "redundant_call"},
		{"what-if without change", "GET", "/api/v1/runs/" + unknownTrace + "/what-if", "", nil, 400, "bad_request", "exactly one"},
		{"what-if unknown model", "GET", "/api/v1/runs/" + unknownTrace + "/what-if?model=gpt-9", "", nil, 400, "bad_request", "not in the price table"},
		{"bad mode", "POST", "/api/v1/runs/" + unknownTrace + "/analyze", `{"mode":"fast"}`, nil, 400, "bad_request", "offline or gemini"},
		{"unknown body field", "POST", "/api/v1/runs/" + unknownTrace + "/analyze", `{"mode":"offline","x":1}`, nil, 400, "bad_request", "unknown field"},
		{"body not JSON", "POST", "/api/v1/runs/" + unknownTrace + "/analyze", `mode=offline`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", "application/json"},
		{"body too large", "POST", "/api/v1/runs/" + unknownTrace + "/analyze", `{"mode":"` + strings.Repeat("x", 5000) + `"}`, nil, 413, "too_large", "bytes"},
		{"parameters on analyze", "POST", "/api/v1/runs/" + unknownTrace + "/analyze?mode=gemini", "", nil, 400, "bad_request", "takes none"},
		{"wrong method", "DELETE", "/api/v1/runs", "", nil, 405, "method_not_allowed", "use GET"},
		{"diff with itself", "GET", "/api/v1/runs/" + unknownTrace + "/diff/" + unknownTrace, "", nil, 400, "bad_request", "same run"},
		{"diff with a bad id", "GET", "/api/v1/runs/" + unknownTrace + "/diff/zz", "", nil, 400, "bad_request", "trace id"},
		{"diff of unknown runs", "GET", "/api/v1/runs/" + unknownTrace + "/diff/" + strings.Repeat("e", 32), "", nil, 404, "not_found", "not found"},
		{"unknown endpoint", "GET", "/api/v2/runs", "", nil, 404, "not_found", "openapi.json"},
		{"foreign Host", "GET", "/api/v1/runs", "", []string{"Host", "evil.example:8790"}, 403, "forbidden", "Host"},
		{"cross-origin", "POST", "/api/v1/runs/" + unknownTrace + "/analyze", "", []string{"Origin", "http://evil.example"}, 403, "forbidden", "cross-origin"},
		{"cross-site fetch", "GET", "/api/v1/runs", "", []string{"Sec-Fetch-Site", "cross-site"}, 403, "forbidden", "cross-site"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := f.do(t, tc.method, tc.path, tc.body, tc.hdr...)
			e, _ := rep.body["error"].(map[string]any)
			if rep.status != tc.status || e["code"] != tc.code || !strings.Contains(e["message"].(string), tc.message) {
				t.Errorf("%d %s, want %d %s containing %q", rep.status, rep.raw, tc.status, tc.code, tc.message)
			}
		})
	}
	if rep := f.do(t, "DELETE", "/api/v1/runs", ""); rep.header.Get("Allow") != "GET" {
		t.Errorf("Allow %q", rep.header.Get("Allow"))
	}
}

func TestToken(t *testing.T) {
	f := newFixture(t, Config{Token: "s3cret"})
	for _, tc := range []struct {
		name, path string
		hdr        []string
		status     int
	}{
		{"no token", "/api/v1/runs", nil, 401},
		{"wrong token", "/api/v1/runs", []string{"Authorization", "Bearer nope"}, 401},
		{"token", "/api/v1/runs", []string{"Authorization", "Bearer s3cret"}, 200},
		{"metrics need it too", "/metrics", nil, 401},
		{"health is public", "/healthz", nil, 200},
		// With a token, a non-loopback Host is served (kaizen serve --listen 0.0.0.0:…).
		{"token and a public Host", "/api/v1/workflows", []string{"Authorization", "Bearer s3cret", "Host", "kaizen.internal:8790"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rep := f.do(t, "GET", tc.path, "", tc.hdr...); rep.status != tc.status {
				t.Errorf("%d %s, want %d", rep.status, rep.raw, tc.status)
			}
		})
	}
}

// TestOpenAPIMatchesRoutes keeps the description and the handlers in step:
// the same paths, methods and path parameters, and every response status
// the handlers can send is described.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	var fromRoutes, fromDoc []string
	for _, rt := range routes {
		fromRoutes = append(fromRoutes, rt.method+" "+rt.pattern)
		op, ok := doc.Paths[rt.pattern][strings.ToLower(rt.method)]
		if !ok {
			continue
		}
		var pathParams []string
		for _, p := range op.Parameters {
			if p.In == "path" {
				pathParams = append(pathParams, p.Name)
			}
		}
		var inPattern []string
		for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(rt.pattern, -1) {
			inPattern = append(inPattern, m[1])
		}
		if !slices.Equal(pathParams, inPattern) {
			t.Errorf("%s %s: path parameters %v documented, %v in the route", rt.method, rt.pattern, pathParams, inPattern)
		}
		if rt.pattern != "/healthz" && rt.pattern != "/metrics" && rt.pattern != "/api/v1/openapi.json" {
			for _, code := range []string{"400", "401", "403", "405", "503"} {
				if _, ok := op.Responses[code]; !ok {
					t.Errorf("%s %s: response %s not documented", rt.method, rt.pattern, code)
				}
			}
		}
	}
	for path, ops := range doc.Paths {
		for m := range ops {
			fromDoc = append(fromDoc, strings.ToUpper(m)+" "+path)
		}
	}
	sort.Strings(fromRoutes)
	sort.Strings(fromDoc)
	if !slices.Equal(fromRoutes, fromDoc) {
		t.Errorf("routes and OpenAPI differ:\nroutes  %v\nopenapi %v", fromRoutes, fromDoc)
	}
	f := newFixture(t, Config{})
	if rep := f.do(t, "GET", "/api/v1/openapi.json", ""); rep.status != 200 || rep.body["openapi"] != "3.1.0" {
		t.Errorf("served OpenAPI: %d", rep.status)
	}
}
