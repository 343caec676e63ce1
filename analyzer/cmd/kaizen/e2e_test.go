package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/kaizenhq/kaizen/analyzer/internal/cli"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// TestEndToEnd is the whole Kaizen loop: the instrumented support-triage
// workflow (real OpenAI, Anthropic and Gemini SDKs against the fake LLM
// server) exports OTLP to the built kaizen-collector running
// collector/config.yaml with its embedded ClickHouse; `kaizen analyze` (the
// real genai client against a fake Gemini speaking the REST API) reads the
// run back, merges Gemini's findings with the detectors', verifies and
// stores them; the findings are then read with SQL.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	chAddr, grpcAddr, dataDir := startCollector(ctx, t)
	trace := runTriage(ctx, t, grpcAddr)

	writer, err := e2e.CollectorWriter(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := clickhouse.Open(&clickhouse.Options{Protocol: clickhouse.HTTP, Addr: []string{chAddr},
		Auth: clickhouse.Auth{Database: "kaizen", Username: writer.Name, Password: writer.Password}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	qctx := clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"trace": trace}))
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		var n uint64
		if err := conn.QueryRow(qctx, "SELECT count() FROM llm_calls WHERE TraceId = {trace:String}").Scan(&n); err == nil && n == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run's 4 calls were not stored within a minute")
		}
	}

	// Gemini agrees with the detectors on #2/#3 and #1, and adds a finding
	// about calls that do not exist, which verification drops.
	answer := geminitest.Findings(
		map[string]any{"type": "redundant_call", "calls": []int{2, 3}, "severity": "high", "confidence": 0.9,
			"title": "The researcher asks its question twice", "explanation": "Calls #2 and #3 ask what to check first.",
			"recommendation": "Reuse the answer of #2.", "claimed_savings_usd": 5.0},
		map[string]any{"type": "model_overkill", "calls": []int{1}, "severity": "medium", "confidence": 0.8,
			"title": "gpt-4o classifies into four labels", "explanation": "A four-way classification.",
			"recommendation": "Use gpt-4o-mini.", "suggested_model": "gpt-4o-mini"},
		map[string]any{"type": "loop", "calls": []int{7, 8, 9}, "severity": "low", "confidence": 0.4,
			"title": "calls that do not exist", "explanation": "x", "recommendation": "y"},
	)
	srv := geminitest.New(t, geminitest.Reply{Text: answer, PromptTokens: 3000, OutputTokens: 250})
	for _, k := range []string{"GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT"} {
		t.Setenv(k, "")
	}
	t.Setenv("GEMINI_API_KEY", "test-key")
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)

	var stdout, stderr bytes.Buffer
	// kaizen finds the collector's generated credentials under KAIZEN_DATA_DIR.
	t.Setenv("KAIZEN_DATA_DIR", dataDir)
	code := cli.Main(ctx, []string{"analyze", trace, "--dsn", "http://" + chAddr + "/kaizen", "--format", "json"},
		cli.Config{Stdout: &stdout, Stderr: &stderr})
	if code != 0 {
		t.Fatalf("kaizen analyze exited %d:\n%s", code, stderr.String())
	}
	var report struct {
		Mode     string `json:"mode"`
		Findings []struct {
			Type   string `json:"type"`
			Source string `json:"source"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("report: %v\n%s", err, stdout.String())
	}
	sources := map[string]string{}
	for _, f := range report.Findings {
		sources[f.Type] = f.Source
	}
	if report.Mode != "gemini" || sources["redundant_call"] != "both" || sources["model_overkill"] != "both" {
		t.Errorf("mode %q, finding sources %v: want gemini, and redundant_call and model_overkill from both", report.Mode, sources)
	}
	if _, ok := sources["loop"]; ok {
		t.Error("a finding naming calls #7-#9 of a 4-call run survived verification")
	}
	if reqs := srv.Requests(); len(reqs) != 1 {
		t.Errorf("Gemini requests = %d, want 1", len(reqs))
	} else {
		for _, n := range []string{"#1", "#2", "#3", "#4"} {
			if !bytes.Contains(reqs[0].Raw, []byte(n)) {
				t.Errorf("the Gemini request does not carry call %s", n)
			}
		}
	}

	// Findings and the analysis are rows anyone can read with SQL.
	rows, err := conn.Query(qctx, "SELECT Type, Source FROM findings WHERE TraceId = {trace:String} ORDER BY Type")
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var typ, src string
		if err := rows.Scan(&typ, &src); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, typ+"/"+src)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(stored, "redundant_call/both") || !slices.Contains(stored, "model_overkill/both") {
		t.Errorf("findings rows = %v", stored)
	}
	var status, mode string
	var findings uint32
	if err := conn.QueryRow(qctx, `SELECT argMax(Status, UpdatedAt), argMax(Mode, UpdatedAt), argMax(Findings, UpdatedAt)
		FROM analyses WHERE TraceId = {trace:String}`).Scan(&status, &mode, &findings); err != nil {
		t.Fatal(err)
	}
	if status != "analyzed" || mode != "gemini" || int(findings) != len(stored) {
		t.Errorf("analysis row: status %q mode %q findings %d (rows %d)", status, mode, findings, len(stored))
	}
}

// startCollector builds kaizen-collector and runs it with
// collector/config.yaml on free loopback ports and a temporary data
// directory; it returns the embedded ClickHouse and OTLP gRPC addresses.
func startCollector(ctx context.Context, t testing.TB) (chAddr, grpcAddr, dataDir string) {
	chAddr, grpcAddr, dataDir, _ = startCollectorPid(ctx, t)
	return chAddr, grpcAddr, dataDir
}

// startCollectorPid is startCollector that also returns the process id.
func startCollectorPid(ctx context.Context, t testing.TB) (chAddr, grpcAddr, dataDir string, pid int) {
	t.Helper()
	bin, err := e2e.BuildCollector(ctx, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	ports := e2e.MustPorts(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "collector.log")
	p, err := e2e.StartProcess(bin, []string{filepath.Join("..", "..", "..", "collector", "config.yaml")}, ports.Env(dir), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(time.Minute); err != nil {
			t.Errorf("stop collector: %v", err)
		}
		if t.Failed() {
			out, _ := os.ReadFile(log)
			t.Logf("collector log:\n%s", out)
		}
	})
	if err := p.WaitHealthy(ctx, ports.Health, time.Minute); err != nil {
		t.Fatal(err)
	}
	return ports.CHDB, ports.GRPC, dir, p.Pid()
}

// runTriage runs one support-triage workflow exporting to the collector
// and returns its trace id.
func runTriage(ctx context.Context, t *testing.T, grpcAddr string) string {
	t.Helper()
	exp, err := e2e.RunTriage(ctx, grpcAddr, 1)
	if err != nil {
		t.Fatal(err)
	}
	return exp.Calls[0].TraceID
}
