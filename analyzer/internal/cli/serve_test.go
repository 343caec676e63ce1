package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// syncBuffer is written by the server's goroutines while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeFlagErrors(t *testing.T) {
	noGemini(t)
	open := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(open, []byte("t0ken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--shard", "2"}, `--shard "2": want i/N`},
		{[]string{"serve", "--shard", "2/2"}, "shard 2/2"},
		{[]string{"serve", "--gemini-budget-usd", "-1"}, "positive dollar amount"},
		{[]string{"serve", "--concurrency", "0"}, "--concurrency 0"},
		{[]string{"serve", "--concurrency", "65"}, "concurrency 65: must be between 1 and 64"},
		{[]string{"serve", "--settle", "2h", "--lookback", "1h"}, "lookback 1h0m0s must exceed settle"},
		{[]string{"serve", "--listen", "0.0.0.0:8790"}, "reaches beyond this machine: set an API token"},
		{[]string{"serve", "--listen", "nonsense"}, `--listen "nonsense"`},
		{[]string{"serve", "--token-file", open}, "readable by others"},
		{[]string{"serve", "--log-format", "xml"}, "--log-format"},
		{[]string{"serve", "extra"}, "expected no arguments"},
	} {
		_, stderr, code := kaizen(t, "http://127.0.0.1:1/kaizen", tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, ExitUsage, tc.want)
		}
	}
}

// TestServe runs kaizen serve against the embedded store: the settled run
// is analyzed without being asked, the API serves it, an on-demand analysis
// is accepted, and a signal stops the server cleanly.
func TestServe(t *testing.T) {
	noGemini(t)
	dsn := storetest.NewDatabase(t)
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	db := dbName(dsn)
	addr, err := e2e.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--listen", addr, "--settle", "1s", "--lookback", "87600h", "--interval", "100ms"},
			Config{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(k string) string {
				if k == EnvDSN {
					return dsn
				}
				return ""
			}})
	}()
	base := "http://" + addr
	get := func(path string, v any) int {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0
		}
		defer resp.Body.Close()
		if v != nil {
			_ = json.NewDecoder(resp.Body).Decode(v)
		}
		return resp.StatusCode
	}
	var runs struct {
		Runs []struct {
			TraceID      string `json:"trace_id"`
			LastAnalysis *struct {
				Status string `json:"status"`
			} `json:"last_analysis"`
		} `json:"runs"`
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if get("/api/v1/runs?since=3650d&analyzed=true", &runs) == 200 && len(runs.Runs) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run was not analyzed within 30 s; log:\n%s", stderr.String())
		}
	}
	if got := chtest.Scalar(t, "SELECT Status, AnalyzerVersion, Mode FROM "+db+".analyses FINAL"); got != "analyzed\t"+analysis.Version+"\toffline" {
		t.Errorf("analyses row %q", got)
	}
	resp, err := http.Post(base+"/api/v1/runs/"+r.TraceID+"/analyze", "application/json", strings.NewReader(`{"mode":"offline"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("on-demand analysis: %d", resp.StatusCode)
	}
	if code := get("/healthz", nil); code != 200 {
		t.Errorf("healthz %d", code)
	}
	stop()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d; log:\n%s", code, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("kaizen serve did not stop within 40 s of its signal")
	}
	log := stderr.String()
	for _, want := range []string{`"msg":"kaizen serve started"`, `"msg":"analyzed"`, `"msg":"kaizen serve stopped"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log has no %s:\n%s", want, log)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
}
