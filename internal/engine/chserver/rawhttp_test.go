package chserver_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// do sends a raw HTTP request to the shared server and returns the
// response with its body read. Go's transport decompression is disabled so
// Content-Encoding is visible.
func do(t testing.TB, method, query string, params url.Values, body io.Reader, header http.Header) (*http.Response, []byte) {
	t.Helper()
	if params == nil {
		params = url.Values{}
	}
	if query != "" {
		params.Set("query", query)
	}
	req, err := http.NewRequest(method, chtest.URL()+"/?"+params.Encode(), body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func gzipped(t testing.TB, s string) *bytes.Buffer {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestPing(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(method, chtest.Server().URL()+"/ping", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || (method == http.MethodGet && string(body) != "Ok.\n") {
			t.Errorf("%s /ping = %d %q", method, resp.StatusCode, body)
		}
	}
}

func TestRawHTTP(t *testing.T) {
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".events (id UInt64, name String, at DateTime64(3)) ENGINE = MergeTree ORDER BY id")
	inDB := url.Values{"database": {db}}
	tests := []struct {
		name       string
		method     string
		query      string
		params     url.Values
		body       string
		gzipBody   bool
		header     http.Header
		wantStatus int
		wantBody   string
		wantFormat string
	}{
		{name: "select in GET", method: "GET", query: "SELECT 1 FORMAT JSONEachRow", wantStatus: 200, wantBody: `{"1":1}` + "\n", wantFormat: "JSONEachRow"},
		{name: "select in POST body", method: "POST", body: "SELECT 1 FORMAT JSONEachRow", wantStatus: 200, wantBody: `{"1":1}` + "\n", wantFormat: "JSONEachRow"},
		{name: "default format is TabSeparated", method: "GET", query: "SELECT 'a', 2", wantStatus: 200, wantBody: "a\t2\n", wantFormat: "TabSeparated"},
		{name: "default_format", method: "GET", query: "SELECT 3 AS x", params: url.Values{"default_format": {"JSONEachRow"}}, wantStatus: 200, wantBody: `{"x":3}` + "\n", wantFormat: "JSONEachRow"},
		{name: "database", method: "GET", query: "SELECT currentDatabase()", params: inDB, wantStatus: 200, wantBody: db + "\n"},
		{name: "insert JSONEachRow body", method: "POST", query: "INSERT INTO events FORMAT JSONEachRow", params: inDB,
			body: `{"id":1,"name":"a","at":"2026-01-02 03:04:05.678"}` + "\n\n" + `{"id":2,"name":"b\n\nc","at":"2026-01-02 03:04:06"}` + "\n", wantStatus: 200},
		{name: "insert whole statement in body", method: "POST", params: inDB, body: "INSERT INTO events FORMAT TSV\n3\tc\t2026-01-01 00:00:00\n", wantStatus: 200},
		{name: "insert gzip body", method: "POST", query: "INSERT INTO events FORMAT JSONEachRow", params: inDB, gzipBody: true,
			body: `{"id":4,"name":"gz","at":"2026-01-02 03:04:05"}`, header: http.Header{"Content-Encoding": {"gzip"}}, wantStatus: 200},
		{name: "select inserted", method: "GET", query: "SELECT id, name FROM events ORDER BY id FORMAT JSONEachRow", params: inDB, wantStatus: 200,
			wantBody: `{"id":1,"name":"a"}` + "\n" + `{"id":2,"name":"b\n\nc"}` + "\n" + `{"id":3,"name":"c"}` + "\n" + `{"id":4,"name":"gz"}` + "\n"},
		{name: "query parameters", method: "GET", query: "SELECT name FROM events WHERE id = {id:UInt64} AND name = {n:String}", params: url.Values{"database": {db}, "param_id": {"4"}, "param_n": {"gz"}}, wantStatus: 200, wantBody: "gz\n"},
		{name: "setting as URL parameter", method: "GET", query: "SELECT getSetting('max_block_size')", params: url.Values{"max_block_size": {"1234"}}, wantStatus: 200, wantBody: "1234\n"},
		{name: "max_execution_time capped", method: "GET", query: "SELECT getSetting('max_execution_time')", params: url.Values{"max_execution_time": {"100000"}}, wantStatus: 200, wantBody: "300\n"},
		{name: "unknown setting", method: "GET", query: "SELECT 1", params: url.Values{"no_such_setting": {"1"}}, wantStatus: 400, wantBody: "Code: 115."},
		{name: "client-only params ignored", method: "GET", query: "SELECT 1", params: url.Values{"wait_end_of_query": {"1"}, "session_id": {"x"}, "enable_http_compression": {"0"}}, wantStatus: 200, wantBody: "1\n"},
		{name: "GET is read-only", method: "GET", query: "INSERT INTO events VALUES (9, 'x', now())", params: inDB, wantStatus: 400, wantBody: "Code: 164."},
		{name: "syntax error", method: "POST", body: "SELEC 1", wantStatus: 400, wantBody: "Code: 62. DB::Exception: Syntax error"},
		{name: "unknown table", method: "POST", body: "SELECT * FROM nowhere.nothing", wantStatus: 404, wantBody: "Code: 81."},
		{name: "multi-statement refused", method: "POST", body: "SELECT 1; SELECT 2", wantStatus: 400, wantBody: "Multi-statements are not allowed"},
		{name: "SET refused", method: "POST", body: "SET max_threads = 1", wantStatus: 400, wantBody: "Code: 48."},
		{name: "INFILE refused", method: "POST", body: "INSERT INTO t FROM INFILE '/etc/passwd' FORMAT CSV", wantStatus: 400, wantBody: "INFILE and OUTFILE"},
		{name: "OUTFILE refused", method: "POST", body: "SELECT 1 INTO OUTFILE '/tmp/x'", wantStatus: 400, wantBody: "INFILE and OUTFILE"},
		{name: "empty query", method: "POST", wantStatus: 400, wantBody: "Empty query"},
		{name: "bad gzip", method: "POST", body: "not gzip", header: http.Header{"Content-Encoding": {"gzip"}}, wantStatus: 400, wantBody: "Code: 271."},
		{name: "unsupported encoding", method: "POST", body: "SELECT 1", header: http.Header{"Content-Encoding": {"snappy-ish"}}, wantStatus: 415, wantBody: "unsupported Content-Encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tt.body)
			if tt.gzipBody {
				body = gzipped(t, tt.body)
			}
			params := url.Values{}
			for k, v := range tt.params {
				params[k] = v
			}
			resp, got := do(t, tt.method, tt.query, params, body, tt.header)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.wantStatus, got)
			}
			if tt.wantStatus == 200 && string(got) != tt.wantBody {
				t.Errorf("body = %q, want %q", got, tt.wantBody)
			}
			if tt.wantStatus != 200 {
				if !strings.Contains(string(got), tt.wantBody) {
					t.Errorf("body = %q, want it to contain %q", got, tt.wantBody)
				}
				if resp.Header.Get("X-ClickHouse-Exception-Code") == "" {
					t.Error("no X-ClickHouse-Exception-Code header")
				}
			}
			if tt.wantFormat != "" && resp.Header.Get("X-ClickHouse-Format") != tt.wantFormat {
				t.Errorf("X-ClickHouse-Format = %q, want %q", resp.Header.Get("X-ClickHouse-Format"), tt.wantFormat)
			}
			if resp.Header.Get("X-ClickHouse-Query-Id") == "" || resp.Header.Get("X-ClickHouse-Timezone") != "UTC" || resp.Header.Get("X-ClickHouse-Server-Display-Name") == "" {
				t.Errorf("missing ClickHouse headers: %v", resp.Header)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".t (n UInt64) ENGINE = MergeTree ORDER BY n")
	resp, _ := do(t, "POST", "INSERT INTO t FORMAT TSV", url.Values{"database": {db}, "query_id": {"my-query-1"}}, strings.NewReader("1\n2\n3\n"), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("insert: %d", resp.StatusCode)
	}
	if got := resp.Header.Get("X-ClickHouse-Query-Id"); got != "my-query-1" {
		t.Errorf("query id = %q", got)
	}
	var sum map[string]string
	if err := json.Unmarshal([]byte(resp.Header.Get("X-ClickHouse-Summary")), &sum); err != nil {
		t.Fatalf("summary %q: %v", resp.Header.Get("X-ClickHouse-Summary"), err)
	}
	for _, k := range []string{"read_rows", "read_bytes", "written_rows", "written_bytes", "total_rows_to_read", "result_rows", "result_bytes", "elapsed_ns"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %s: %v", k, sum)
		}
	}
	if sum["written_rows"] != "3" || sum["result_rows"] != "3" {
		t.Errorf("summary = %v, want 3 rows written", sum)
	}
	resp, _ = do(t, "GET", "SELECT n FROM t FORMAT JSONEachRow", url.Values{"database": {db}}, nil, nil)
	if err := json.Unmarshal([]byte(resp.Header.Get("X-ClickHouse-Summary")), &sum); err != nil || sum["result_rows"] != "3" || sum["read_rows"] != "3" {
		t.Errorf("select summary = %v (%v)", sum, err)
	}
}

func TestGzipResponse(t *testing.T) {
	const query = "SELECT number FROM numbers(1000) FORMAT JSONEachRow"
	_, plain := do(t, "GET", query, nil, nil, nil)
	for _, params := range []url.Values{{"enable_http_compression": {"1"}}, {}} {
		resp, got := do(t, "GET", query, params, nil, http.Header{"Accept-Encoding": {"gzip"}})
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding = %q, want gzip (%v)", resp.Header.Get("Content-Encoding"), params)
		}
		zr, err := gzip.NewReader(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(unzipped, plain) {
			t.Errorf("gunzipped body differs from the plain one")
		}
	}
	resp, got := do(t, "GET", query, url.Values{"enable_http_compression": {"0"}}, nil, http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(got, plain) {
		t.Errorf("enable_http_compression=0 still compressed")
	}
}
