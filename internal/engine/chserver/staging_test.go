package chserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestStagingBudget: INSERT data staged for the engine is bounded across
// requests. A client that sends 3 MiB and stalls holds that much of a 4 MiB
// budget, so a second 1.5 MiB INSERT is refused at once with code 202 /
// HTTP 503 (clients retry) and stores nothing; once the first finishes, the
// retry is stored.
func TestStagingBudget(t *testing.T) {
	const budget = 4 << 20
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".blobs (i UInt32, s String) ENGINE = MergeTree ORDER BY i")
	srv := httptest.NewServer(newHandler(t, chserver.Config{
		Users: []chserver.User{chtest.Writer(), chtest.Reader()}, MaxStagedBytes: budget,
	}))
	defer srv.Close()
	w := chtest.Writer()
	post := func(data io.Reader) (int, string, error) {
		params := url.Values{"database": {db}, "query": {"INSERT INTO blobs FORMAT TSV"}}
		resp, err := http.Post(withUser(srv.URL, w)+"/?"+params.Encode(), "text/plain", data)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("X-ClickHouse-Exception-Code") + " " + string(b), nil
	}
	row := func(i, size int) string { return fmt.Sprintf("%d\t%s\n", i, strings.Repeat("x", size)) }

	pr, pw := io.Pipe()
	first := make(chan error, 1)
	go func() {
		status, msg, err := post(pr)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("HTTP %d: %.200s", status, msg)
		}
		first <- err
	}()
	big := row(1, 3<<20)
	if _, err := io.WriteString(pw, big[:len(big)-1]); err != nil { // all but the line end: the request stays open
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the server has staged what the socket buffers held

	status, msg, err := post(strings.NewReader(row(2, 1536<<10)))
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusServiceUnavailable || !strings.HasPrefix(msg, "202 ") {
		t.Errorf("insert over the staging budget: HTTP %d %.200s, want 503 with code 202", status, msg)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".blobs"); got != "0" {
		t.Errorf("%s rows stored before the first insert finished, want 0", got)
	}

	if _, err := io.WriteString(pw, "\n"); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if err := <-first; err != nil {
		t.Fatalf("stalled insert: %v", err)
	}
	if status, msg, err := post(strings.NewReader(row(2, 1536<<10))); err != nil || status != http.StatusOK {
		t.Errorf("retry after the budget was released: HTTP %d %.200s %v", status, msg, err)
	}
	if got := chtest.Scalar(t, "SELECT arrayStringConcat(arraySort(groupArray(toString(i))), ',') FROM "+db+".blobs"); got != "1,2" {
		t.Errorf("stored rows %q, want the stalled insert and the retry (1,2)", got)
	}
}
