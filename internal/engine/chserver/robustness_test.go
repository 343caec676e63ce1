package chserver_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestAuth(t *testing.T) {
	cfg := chserver.Config{Users: []chserver.User{{Name: "kaizen", Password: "s3cret pass", Role: chserver.RoleWriter}}}
	srv := httptest.NewServer(newHandler(t, cfg))
	defer srv.Close()
	query := func(mutate func(*http.Request)) (int, string, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/?query="+url.QueryEscape("SELECT 42"), nil)
		mutate(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, resp.Header.Get("X-ClickHouse-Exception-Code"), b.String()
	}
	withParams := func(user, pass string) func(*http.Request) {
		return func(r *http.Request) {
			q := r.URL.Query()
			q.Set("user", user)
			q.Set("password", pass)
			r.URL.RawQuery = q.Encode()
		}
	}
	tests := []struct {
		name   string
		mutate func(*http.Request)
		ok     bool
	}{
		{"missing", func(*http.Request) {}, false},
		{"basic right", func(r *http.Request) { r.SetBasicAuth("kaizen", "s3cret pass") }, true},
		{"basic wrong password", func(r *http.Request) { r.SetBasicAuth("kaizen", "s3cret") }, false},
		{"basic wrong user", func(r *http.Request) { r.SetBasicAuth("default", "s3cret pass") }, false},
		{"headers right", func(r *http.Request) {
			r.Header.Set("X-ClickHouse-User", "kaizen")
			r.Header.Set("X-ClickHouse-Key", "s3cret pass")
		}, true},
		{"headers wrong", func(r *http.Request) {
			r.Header.Set("X-ClickHouse-User", "kaizen")
			r.Header.Set("X-ClickHouse-Key", "nope")
		}, false},
		{"params right", withParams("kaizen", "s3cret pass"), true},
		{"params wrong", withParams("kaizen", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, body := query(tt.mutate)
			if tt.ok {
				if status != 200 || body != "42\n" {
					t.Errorf("status %d body %q, want 200 42", status, body)
				}
				return
			}
			if status != http.StatusUnauthorized || code != "516" || !strings.HasPrefix(body, "Code: 516. DB::Exception: Authentication failed") {
				t.Errorf("got %d code %q body %q, want 401 / 516", status, code, body)
			}
			if strings.Contains(body, "s3cret") {
				t.Errorf("error echoes a password: %q", body)
			}
		})
	}
	// /ping needs no credentials, as in ClickHouse.
	resp, err := http.Get(srv.URL + "/ping")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ping: %v %v", resp, err)
	}
	resp.Body.Close()
	// clickhouse-go with credentials in the DSN.
	u := strings.TrimPrefix(srv.URL, "http://")
	for _, pass := range []string{"s3cret pass", "wrong"} {
		conn, err := clickhouse.Open(&clickhouse.Options{Protocol: clickhouse.HTTP, Addr: []string{u}, Auth: clickhouse.Auth{Username: "kaizen", Password: pass}})
		if err == nil {
			err = conn.Ping(context.Background())
			conn.Close()
		}
		var ex *clickhouse.Exception
		if pass == "wrong" && (!errors.As(err, &ex) || ex.Code != 516) {
			t.Errorf("clickhouse-go with a wrong password: %v, want exception 516", err)
		}
		if pass != "wrong" && err != nil {
			t.Errorf("clickhouse-go with the right password: %v", err)
		}
	}
}

func TestBadInput(t *testing.T) {
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".t (id UInt64, s String) ENGINE = MergeTree ORDER BY id",
		"INSERT INTO "+db+".t SELECT number, toString(number) FROM numbers(1000)")
	count := func() string { return chtest.Scalar(t, "SELECT count(), sum(id) FROM "+db+".t") }
	before := count()
	inDB := url.Values{"database": {db}}

	big := bytes.Repeat([]byte(`{"id":1,"s":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`), 50<<20/80)
	t.Run("50 MB malformed body", func(t *testing.T) {
		resp, body := do(t, "POST", "INSERT INTO t FORMAT JSONEachRow", inDB, bytes.NewReader(big), nil)
		if resp.StatusCode == 200 || !strings.HasPrefix(string(body), "Code: ") {
			t.Errorf("status %d body %.200q", resp.StatusCode, body)
		}
	})
	t.Run("50 MB body over the limit", func(t *testing.T) {
		small := httptest.NewServer(newHandler(t, chserver.Config{Users: []chserver.User{chtest.Writer()}, MaxRequestBytes: 8 << 20}))
		defer small.Close()
		resp, err := http.Post(withUser(small.URL, chtest.Writer())+"/?database="+db+"&query="+url.QueryEscape("INSERT INTO t FORMAT JSONEachRow"), "text/plain", bytes.NewReader(big))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b.String(), "exceeds the server's limit of 8388608 bytes") {
			t.Errorf("status %d body %q", resp.StatusCode, b.String())
		}
	})
	t.Run("malformed SQL", func(t *testing.T) {
		for _, q := range []string{"SELECT FROM WHERE", "INSERT INTO t FORMAT", "'unterminated", "/* open comment", "SELECT (((", "\x00\x01\x02"} {
			resp, body := do(t, "POST", "", inDB, strings.NewReader(q), nil)
			if resp.StatusCode == 200 || !strings.HasPrefix(string(body), "Code: ") {
				t.Errorf("%q: status %d body %q", q, resp.StatusCode, body)
			}
		}
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		resp, body := do(t, "POST", "INSERT INTO t FORMAT TSV", inDB, strings.NewReader("5000\t\xff\xfe\xfd bad\n"), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("insert invalid UTF-8: %d %q", resp.StatusCode, body)
		}
		resp, body = do(t, "GET", "SELECT s FROM t WHERE id = 5000 FORMAT RowBinary", inDB, nil, nil)
		if resp.StatusCode != 200 || !bytes.Equal(body, []byte("\x07\xff\xfe\xfd bad")) {
			t.Errorf("round trip: %d %q", resp.StatusCode, body)
		}
		resp, body = do(t, "GET", "SELECT '\xff\xfe' FORMAT JSONEachRow", nil, nil, nil)
		if resp.StatusCode != 200 {
			t.Errorf("invalid UTF-8 in SQL: %d %q", resp.StatusCode, body)
		}
		chtest.Exec(t, "DELETE FROM "+db+".t WHERE id = 5000")
	})
	if after := count(); after != before {
		t.Errorf("rows changed by bad input: before %s, after %s", before, after)
	}
	resp, body := do(t, "GET", "SELECT 1", nil, nil, nil)
	if resp.StatusCode != 200 || string(body) != "1\n" {
		t.Errorf("server stopped serving: %d %q", resp.StatusCode, body)
	}
}

// TestClosedStoreAndRestart closes the store under the running server
// (clear errors, the server still answers), then restarts on the same data
// path: every row written before is there.
func TestClosedStoreAndRestart(t *testing.T) {
	db := chtest.NewDatabase(t)
	conn := openHTTP(t, db)
	ctx := context.Background()
	if err := conn.Exec(ctx, "CREATE TABLE t (n UInt64) ENGINE = MergeTree ORDER BY n"); err != nil {
		t.Fatal(err)
	}
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO t")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5000 {
		_ = batch.Append(uint64(i))
	}
	if err := batch.Send(); err != nil {
		t.Fatal(err)
	}
	if err := chtest.Server().Conn().Close(); err != nil {
		t.Fatal(err)
	}
	resp, body := do(t, "GET", "SELECT count() FROM t", url.Values{"database": {db}}, nil, nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "store is closed") {
		t.Errorf("closed store: %d %q", resp.StatusCode, body)
	}
	if err := conn.Exec(ctx, "INSERT INTO t VALUES (1)"); err == nil {
		t.Error("insert into a closed store succeeded")
	}
	pingResp, err := http.Get(chtest.Server().URL() + "/ping")
	if err != nil || pingResp.StatusCode != 200 {
		t.Fatalf("ping after close: %v %v", pingResp, err)
	}
	pingResp.Body.Close()

	chtest.Restart(t)
	conn = openHTTP(t, db)
	var n, sum uint64
	if err := conn.QueryRow(ctx, "SELECT count(), sum(n) FROM t").Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 5000 || sum != 4999*5000/2 {
		t.Errorf("after restart: count %d sum %d, want 5000 rows", n, sum)
	}
}

// newHandler is the HTTP interface over the shared store with cfg.
func newHandler(t testing.TB, cfg chserver.Config) http.Handler {
	t.Helper()
	h, err := chserver.NewHandler(chtest.Server().Conn(), cfg, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// withUser adds u's credentials to a base URL.
func withUser(base string, u chserver.User) string {
	parsed, err := url.Parse(base)
	if err != nil {
		panic(err) // httptest URLs always parse
	}
	parsed.User = url.UserPassword(u.Name, u.Password)
	return parsed.String()
}
