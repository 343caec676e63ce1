package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// fixtureLookback reaches back to the fixtures' 2025 timestamps.
const fixtureLookback = 10 * 365 * 24 * time.Hour

func noGemini(t *testing.T) {
	for _, k := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_GEMINI_BASE_URL"} {
		t.Setenv(k, "")
	}
}

type env struct {
	dsn, db string
	store   *store.Store
	runs    []*run.Run
}

// newEnv stores n copies of the sample run under distinct trace ids, each
// a little dearer than the one before.
func newEnv(t *testing.T, n int) *env {
	t.Helper()
	dsn := storetest.NewDatabase(t)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	db := dsn[strings.LastIndex(dsn, "/")+1 : strings.Index(dsn, "?")]
	// Status rows are counted below: no merge may collapse them.
	chtest.Exec(t, "SYSTEM STOP MERGES "+db+".analyses")
	e := &env{dsn: dsn, db: db, store: s}
	e.add(t, n)
	return e
}

// add stores n more runs, each dearer than every run before it.
func (e *env) add(t *testing.T, n int) {
	t.Helper()
	for range n {
		i := len(e.runs)
		specs := storetest.SampleSpecs()
		for j := range specs {
			specs[j].In += int64(i * 100)
		}
		r := storetest.Build(fmt.Sprintf("%032x", 0xabc000+i), "checkout", specs)
		storetest.InsertRun(t, e.dsn, r)
		r.Build()
		e.runs = append(e.runs, r)
	}
}

func (e *env) scheduler(t *testing.T, cfg Config, opts ...gemini.Option) (*Scheduler, *prometheus.Registry) {
	t.Helper()
	if cfg.Lookback == 0 {
		cfg.Lookback = fixtureLookback
	}
	if cfg.Settle == 0 {
		cfg.Settle = time.Second
	}
	reg := prometheus.NewRegistry()
	s, err := New(e.store, analysis.New(e.store, pricing.Default(), nil, opts...), cfg, slog.New(slog.NewTextHandler(t.Output(), nil)), reg)
	if err != nil {
		t.Fatal(err)
	}
	return s, reg
}

// drain runs passes until the backlog is empty and returns how many
// analyses were started.
func drain(t *testing.T, s *Scheduler) int {
	t.Helper()
	total := 0
	for i := 0; i < 20; i++ {
		n, err := s.Pass(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if n == 0 {
			return total
		}
		total += n
	}
	t.Fatal("backlog never emptied")
	return total
}

func (e *env) scalar(t *testing.T, q string) string {
	t.Helper()
	return chtest.Scalar(t, strings.ReplaceAll(q, "$db", e.db))
}

func TestEveryRunAnalyzedOnceAndAgainWhenItGrows(t *testing.T) {
	noGemini(t)
	e := newEnv(t, 3)
	s, reg := e.scheduler(t, Config{})
	if got := drain(t, s); got != 3 {
		t.Fatalf("%d analyses started, want 3", got)
	}
	if got := e.scalar(t, "SELECT uniqExact(AnalysisId), uniqExact(TraceId), countIf(Status = 'analyzed'), count() FROM $db.analyses"); got != "3\t3\t3\t9" {
		t.Errorf("analyses ids, traces, analyzed rows, rows: %q", got)
	}
	if got := e.scalar(t, "SELECT DISTINCT AnalyzerVersion FROM $db.analyses"); got != analysis.Version {
		t.Errorf("analyzer version %q", got)
	}
	if got := testutil.ToFloat64(s.m.analyses.WithLabelValues("offline", "analyzed", "backlog")); got != 3 {
		t.Errorf("analyses metric %v", got)
	}
	if n, _ := testutil.GatherAndCount(reg); n == 0 {
		t.Error("no metrics gathered")
	}

	// The stored findings are what `kaizen analyze` computes for the same run.
	want, err := analysis.New(e.store, pricing.Default(), nil).Analyze(context.Background(), e.runs[0].TraceID, analysis.Options{Offline: true, NoStore: true})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, f := range want.Findings {
		types = append(types, fmt.Sprintf("%s:%s", f.Type, f.Savings))
	}
	got := e.scalar(t, "SELECT arrayStringConcat(groupArray(concat(toString(Type), ':', toString(toDecimal64(SavingsUSD, 12)))), ',') FROM (SELECT * FROM $db.findings WHERE TraceId = '"+e.runs[0].TraceID+"' ORDER BY Ordinal)")
	if len(want.Findings) == 0 || got != strings.Join(types, ",") {
		t.Errorf("stored findings %q, analyze reports %q", got, strings.Join(types, ","))
	}

	if got := drain(t, s); got != 0 {
		t.Errorf("second pass started %d analyses", got)
	}

	// A late span (ending after the analyzed extent) makes its run due again.
	late := e.runs[1].End.Add(time.Second).UTC().Format("2006-01-02 15:04:05.000000000")
	chtest.Exec(t, fmt.Sprintf("INSERT INTO %s.otel_traces (Timestamp, TraceId, SpanId, SpanName, Duration) VALUES ('%s', '%s', 'eeeeeeeeeeeeeeee', 'late tool', 0)",
		e.db, late, e.runs[1].TraceID))
	if got := drain(t, s); got != 1 {
		t.Errorf("grown run: %d analyses started, want 1", got)
	}
	if got := e.scalar(t, "SELECT uniqExact(AnalysisId) FROM $db.analyses WHERE TraceId = '"+e.runs[1].TraceID+"'"); got != "2" {
		t.Errorf("grown run has %s analyses, want 2", got)
	}
}

func TestShardsShareAStoreWithoutDoubleWork(t *testing.T) {
	noGemini(t)
	e := newEnv(t, 8)
	a, _ := e.scheduler(t, Config{Shard: 0, Shards: 2})
	b, _ := e.scheduler(t, Config{Shard: 1, Shards: 2})
	done := make(chan int, 2)
	for _, s := range []*Scheduler{a, b} {
		go func() { done <- drain(t, s) }()
	}
	total := <-done + <-done
	if total != 8 {
		t.Errorf("%d analyses by two servers, want 8", total)
	}
	if got := e.scalar(t, "SELECT uniqExact(TraceId), uniqExact(AnalysisId) FROM $db.analyses"); got != "8\t8" {
		t.Errorf("traces, analyses: %q", got)
	}
}

func TestAbandonedAnalysisIsFinished(t *testing.T) {
	noGemini(t)
	e := newEnv(t, 1)
	// A server died after marking the run analyzing.
	dead := analysis.New(e.store, pricing.Default(), nil)
	job, err := dead.Prepare(context.Background(), e.runs[0].TraceID, analysis.Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := e.scheduler(t, Config{StaleAfter: time.Minute})
	if got := drain(t, s); got != 0 {
		t.Fatalf("a fresh pending analysis was taken over (%d started)", got)
	}
	s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if got := drain(t, s); got != 1 {
		t.Fatalf("abandoned run: %d analyses started, want 1", got)
	}
	if got := e.scalar(t, "SELECT argMax(Status, (CreatedAt, UpdatedAt)), uniqExact(AnalysisId) FROM $db.analyses"); got != "analyzed\t2" {
		t.Errorf("latest status, analyses: %q", got)
	}
	_ = job
}

func TestInterruptedAnalysisIsRecordedAndRetried(t *testing.T) {
	e := newEnv(t, 1)
	// Gemini that never answers keeps the analysis running past the grace period.
	srv := geminitest.NewFunc(t, func(geminitest.Request, int) geminitest.Reply {
		time.Sleep(3 * time.Second)
		return geminitest.Reply{Status: 500, Text: "late"}
	})
	t.Setenv("GEMINI_API_KEY", "test-key")
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	s, _ := e.scheduler(t, Config{Gemini: true, Grace: 200 * time.Millisecond, RetryAfter: time.Minute}, gemini.WithRetry(1, time.Millisecond, time.Millisecond))
	if n, err := s.Pass(context.Background()); err != nil || n != 1 {
		t.Fatalf("pass: %d, %v", n, err)
	}
	time.Sleep(100 * time.Millisecond)
	if err := s.Shutdown(); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("shutdown: %v", err)
	}
	if got := e.scalar(t, "SELECT argMax(Status, UpdatedAt), argMax(Error, UpdatedAt) FROM $db.analyses"); !strings.HasPrefix(got, "failed\tanalysis interrupted") {
		t.Errorf("interrupted analysis: %q", got)
	}
	noGemini(t)
	r, _ := e.scheduler(t, Config{RetryAfter: time.Minute})
	r.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if got := drain(t, r); got != 1 {
		t.Errorf("retry: %d analyses started", got)
	}
}

func TestGeminiWithinBudget(t *testing.T) {
	e := newEnv(t, 4)
	srv := geminitest.New(t, geminitest.Reply{Text: `{"findings": []}`, PromptTokens: 4000, OutputTokens: 300})
	t.Setenv("GEMINI_API_KEY", "test-key")
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	// gemini-2.5-pro at 4000 + 300 tokens costs $0.008 per analysis: $0.02 pays for two.
	s, reg := e.scheduler(t, Config{Gemini: true, GeminiBudget: 20 * pricing.Dollar / 1000, Concurrency: 1})
	if got := drain(t, s); got != 4 {
		t.Fatalf("%d analyses, want 4", got)
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("%d Gemini requests, want 2", got)
	}
	// The most expensive runs went to Gemini.
	got := e.scalar(t, "SELECT arrayStringConcat(groupArray(Mode), ',') FROM (SELECT Mode FROM $db.analyses FINAL ORDER BY TraceId DESC)")
	if got != "gemini,gemini,offline,offline" {
		t.Errorf("modes by cost: %q", got)
	}
	if got := e.scalar(t, "SELECT toString(sum(AnalysisCostUSD)) FROM $db.analyses FINAL"); got != "0.016" {
		t.Errorf("recorded Gemini spend %s", got)
	}
	if got := testutil.ToFloat64(s.m.geminiSpend); got < 0.0159 || got > 0.0161 {
		t.Errorf("spend metric %v", got)
	}
	_ = reg
	// A new server the same day sees the spend and analyzes new runs offline.
	e.add(t, 2)
	s2, _ := e.scheduler(t, Config{Gemini: true, GeminiBudget: 20 * pricing.Dollar / 1000, Concurrency: 1})
	if got := drain(t, s2); got != 2 {
		t.Errorf("%d analyses after restart, want 2", got)
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("%d Gemini requests after restart, want still 2", got)
	}
}

func TestGeminiFailureFallsBackOffline(t *testing.T) {
	e := newEnv(t, 1)
	srv := geminitest.New(t, geminitest.Reply{Status: 500, Text: "backend down"})
	t.Setenv("GEMINI_API_KEY", "test-key")
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	s, _ := e.scheduler(t, Config{Gemini: true}, gemini.WithRetry(1, time.Millisecond, time.Millisecond))
	if got := drain(t, s); got != 1 {
		t.Fatalf("%d analyses", got)
	}
	got := e.scalar(t, "SELECT Status, Mode, Findings > 0, Error LIKE 'gemini:%' FROM $db.analyses FINAL")
	if got != "analyzed\toffline\t1\t1" {
		t.Errorf("analysis after Gemini failure: %q", got)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Shard: 2, Shards: 2}, "shard 2/2"},
		{Config{Concurrency: 100}, "concurrency 100"},
		{Config{Settle: -time.Second}, "settle -1s"},
		{Config{Lookback: time.Second, Settle: time.Minute}, "lookback 1s must exceed settle"},
		{Config{GeminiBudget: -1}, "gemini budget"},
		{Config{MaxAttempts: -1}, "max attempts"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}
