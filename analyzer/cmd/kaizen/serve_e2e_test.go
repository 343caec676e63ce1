package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/analyzer/internal/cli"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// TestServeEndToEnd: the built collector ingests instrumented workflows; a
// built kaizen serve is SIGKILLed in the middle of an analysis; two
// in-process servers sharing the store by shard then analyze every run
// exactly once, the abandoned one included, with the findings kaizen
// analyze reports; a run that gains a span is analyzed again.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	chAddr, grpcAddr, dataDir := startCollector(ctx, t)
	exp, err := e2e.RunTriage(ctx, grpcAddr, 3)
	if err != nil {
		t.Fatal(err)
	}
	var traces []string
	for _, c := range exp.Calls {
		if !slices.Contains(traces, c.TraceID) {
			traces = append(traces, c.TraceID)
		}
	}
	if len(traces) != 3 {
		t.Fatalf("%d traces, want 3", len(traces))
	}
	t.Setenv("KAIZEN_DATA_DIR", dataDir)
	for _, k := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_GEMINI_BASE_URL"} {
		t.Setenv(k, "")
	}
	dsn := "http://" + chAddr + "/kaizen"
	conn := storeConn(t, chAddr, dataDir)
	waitFor(t, "the runs' calls stored", time.Minute, func() bool {
		return scalar(t, conn, "SELECT toString(count()) FROM llm_calls") == fmt.Sprint(len(exp.Calls))
	})

	// A server dies mid-analysis: its Gemini request never returns before the SIGKILL.
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	defer unblock()
	gem := geminitest.NewFunc(t, func(geminitest.Request, int) geminitest.Reply {
		<-release
		return geminitest.Reply{Status: 500, Text: "gone"}
	})
	bin, err := e2e.BuildKaizen(ctx, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := e2e.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	doomed := exec.Command(bin, "serve", "--dsn", dsn, "--listen", addr, "--gemini", "--concurrency", "1",
		"--settle", "1s", "--interval", "200ms")
	doomed.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "KAIZEN_DATA_DIR=" + dataDir,
		"GEMINI_API_KEY=test-key", "GOOGLE_GEMINI_BASE_URL=" + gem.URL}
	var doomedLog bytes.Buffer
	doomed.Stderr = &doomedLog
	if err := doomed.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the doomed server to start an analysis", time.Minute, func() bool {
		return scalar(t, conn, "SELECT toString(countIf(Status = 'analyzing')) FROM analyses") == "1"
	})
	if err := doomed.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = doomed.Wait()
	unblock()
	abandoned := scalar(t, conn, "SELECT TraceId FROM analyses WHERE Status = 'analyzing'")

	// Two servers, one store, half the runs each; the abandoned analysis is taken over once stale.
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var logs [2]bytes.Buffer
	codes := make(chan int, 2)
	for i := range 2 {
		a, err := e2e.FreeAddr()
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			codes <- cli.Main(sctx, []string{"serve", "--dsn", dsn, "--listen", a, "--shard", fmt.Sprintf("%d/2", i),
				"--settle", "1s", "--interval", "200ms", "--stale-after", "3s", "--log-format", "text"},
				cli.Config{Stdout: &bytes.Buffer{}, Stderr: &syncWriter{w: &logs[i]}})
		}()
	}
	latest := `SELECT TraceId, argMax(Status, (CreatedAt, UpdatedAt)) AS s FROM analyses GROUP BY TraceId`
	waitFor(t, "every run analyzed", 2*time.Minute, func() bool {
		return scalar(t, conn, "SELECT toString(countIf(s = 'analyzed')) FROM ("+latest+")") == "3"
	})
	for _, tr := range traces {
		got := scalar(t, conn, "SELECT toString(uniqExactIf(AnalysisId, Status = 'analyzed')) || '/' || toString(uniqExact(AnalysisId)) FROM analyses WHERE TraceId = '"+tr+"'")
		want := "1/1"
		if tr == abandoned {
			want = "1/2"
		}
		if got != want {
			t.Errorf("trace %s: analyzed/all analyses %s, want %s", tr, got, want)
		}
		// The stored findings are what kaizen analyze reports for the trace.
		var out, errb bytes.Buffer
		if code := cli.Main(ctx, []string{"analyze", tr, "--dsn", dsn, "--offline", "--no-store", "--format", "json", "-q"},
			cli.Config{Stdout: &out, Stderr: &errb}); code != 0 {
			t.Fatalf("kaizen analyze %s: exit %d: %s", tr, code, errb.String())
		}
		var rep struct {
			Findings []struct {
				Type       string `json:"type"`
				SavingsUSD string `json:"savings_usd"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		var want2 []string
		for _, f := range rep.Findings {
			want2 = append(want2, f.Type+":"+f.SavingsUSD)
		}
		stored := scalar(t, conn, `SELECT arrayStringConcat(groupArray(x), ',') FROM (
			SELECT concat(toString(Type), ':', toString(SavingsUSD)) AS x FROM findings WHERE TraceId = '`+tr+`' ORDER BY Ordinal)`)
		if stored != strings.Join(want2, ",") {
			t.Errorf("trace %s: stored findings %q, kaizen analyze reports %q", tr, stored, strings.Join(want2, ","))
		}
	}

	// A late span makes its run due again.
	sender, err := e2e.NewSender(grpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	if err := sender.Send(ctx, lateSpan(t, traces[0])); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the grown run analyzed again", time.Minute, func() bool {
		return scalar(t, conn, "SELECT toString(uniqExactIf(AnalysisId, Status = 'analyzed')) FROM analyses WHERE TraceId = '"+traces[0]+"'") == "2"
	})

	stop()
	for range 2 {
		if code := <-codes; code != 0 {
			t.Errorf("kaizen serve exited %d:\n%s\n%s", code, logs[0].String(), logs[1].String())
		}
	}
	if t.Failed() {
		t.Logf("doomed server log:\n%s", doomedLog.String())
	}
}

// syncWriter serializes a server's log writes.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func lateSpan(t *testing.T, traceID string) ptrace.Traces {
	t.Helper()
	id, err := store.NormalizeTraceID(traceID)
	if err != nil {
		t.Fatal(err)
	}
	var tid pcommon.TraceID
	for i := range tid {
		fmt.Sscanf(id[2*i:2*i+2], "%02x", &tid[i])
	}
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", e2e.TriageService)
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetTraceID(tid)
	sp.SetSpanID(pcommon.SpanID{0xfe, 0xed, 1, 2, 3, 4, 5, 6})
	sp.SetName("execute_tool late_followup")
	now := time.Now()
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(now.Add(-time.Millisecond)))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(now))
	return td
}

func storeConn(t testing.TB, chAddr, dataDir string) driver.Conn {
	t.Helper()
	writer, err := e2e.CollectorWriter(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := clickhouse.Open(&clickhouse.Options{Protocol: clickhouse.HTTP, Addr: []string{chAddr},
		Auth: clickhouse.Auth{Database: "kaizen", Username: writer.Name, Password: writer.Password}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func scalar(t testing.TB, conn driver.Conn, q string) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), q).Scan(&s); err != nil {
		t.Logf("%s: %v", q, err)
		return ""
	}
	return s
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
	}
}
