package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func dbName(dsn string) string {
	db := dsn[strings.LastIndex(dsn, "/")+1:]
	return db[:strings.Index(db, "?")]
}

var geminiAnswer = geminitest.Findings(
	map[string]any{"type": "redundant_call", "calls": []int{1, 3}, "severity": "high", "confidence": 0.9,
		"title": "Calls #1 and #3 ask the same thing", "explanation": "Same question twice.", "recommendation": "Cache #1.",
		"claimed_savings_usd": 1000.0},
	map[string]any{"type": "model_overkill", "calls": []int{2}, "severity": "medium", "confidence": 0.8,
		"title": "gpt-4o for a two-word translation", "explanation": "Trivial task.", "recommendation": "Use gpt-4o-mini.",
		"suggested_model": "gpt-4o-mini", "claimed_savings_usd": 50.0},
	map[string]any{"type": "loop", "calls": []int{7, 9}, "severity": "low", "confidence": 0.5,
		"title": "calls that do not exist", "explanation": "x", "recommendation": "y"},
	map[string]any{"type": "hallucinated_waste", "calls": []int{1}, "severity": "low", "confidence": 0.5,
		"title": "unknown type", "explanation": "x", "recommendation": "y"},
)

func TestAnalyzeEndToEnd(t *testing.T) {
	srv := withGemini(t, geminitest.Reply{Text: geminiAnswer, PromptTokens: 4000, OutputTokens: 300})
	dsn := storetest.NewDatabase(t)
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	db := dbName(dsn)
	// analyses is a ReplacingMergeTree: a background merge would collapse the status rows this test reads.
	chtest.Exec(t, "SYSTEM STOP MERGES "+db+".analyses")

	stdout, stderr, code := kaizen(t, dsn, "analyze", r.TraceID, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, stage := range []string{"fetch:", "detect:", "gemini:", "verify:", "store:"} {
		if !strings.Contains(stderr, "kaizen: "+stage) {
			t.Errorf("no %s progress line in %s", stage, stderr)
		}
	}
	if len(srv.Requests()) != 1 {
		t.Fatalf("%d Gemini requests", len(srv.Requests()))
	}
	rep := decode(t, stdout)
	if rep["mode"] != "gemini" || rep["schema_version"] != float64(1) {
		t.Errorf("report: mode %v schema %v", rep["mode"], rep["schema_version"])
	}
	ver := rep["verification"].(map[string]any)
	dropped := ver["dropped"].(map[string]any)
	if dropped["unknown_call"] != float64(1) || dropped["unknown_type"] != float64(1) {
		t.Errorf("verification: %v", ver)
	}
	var total float64
	sources := map[string]string{}
	for _, f := range rep["findings"].([]any) {
		f := f.(map[string]any)
		sources[f["type"].(string)] = f["source"].(string)
		var v float64
		fmt.Sscan(f["savings_usd"].(string), &v)
		total += v
	}
	if sources["redundant_call"] != "both" || sources["model_overkill"] == "" {
		t.Errorf("sources: %v", sources)
	}
	sum := rep["summary"].(map[string]any)
	if total > 0.03313 || total == 0 || sum["original_cost_usd"] != "0.03313" || sum["analysis_cost_usd"] != "0.008" {
		t.Errorf("inflated savings must be recomputed: findings total %v, summary %v", total, sum)
	}
	id := rep["analysis_id"].(string)
	if got := chtest.Scalar(t, "SELECT arrayStringConcat(groupArray(Status), ',') FROM (SELECT Status FROM "+db+
		".analyses WHERE AnalysisId = '"+id+"' ORDER BY UpdatedAt)"); got != "pending,analyzing,analyzed" {
		t.Errorf("status history: %q", got)
	}
	if got := chtest.Scalar(t, "SELECT Mode, Model, toString(AnalysisCostUSD), AnalysisInputTokens FROM "+db+".analyses FINAL WHERE AnalysisId = '"+id+"'"); got != "gemini\tgemini-2.5-pro\t0.008\t4000" {
		t.Errorf("analysis row: %q", got)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".findings WHERE AnalysisId = '"+id+"'"); got != fmt.Sprint(len(rep["findings"].([]any))) {
		t.Errorf("findings rows %s, report %d", got, len(rep["findings"].([]any)))
	}

	// Re-analysis offline keeps history; traces shows the newest analysis.
	noGemini(t)
	out2, _, code := kaizen(t, dsn, "analyze", r.TraceID, "--format", "json")
	if code != ExitOK {
		t.Fatal("re-analysis failed")
	}
	rep2 := decode(t, out2)
	if rep2["mode"] != "offline" || rep2["analysis_id"] == id || !strings.Contains(fmt.Sprint(rep2["gemini"]), "no credentials") {
		t.Errorf("offline re-analysis: %v", rep2)
	}
	if got := chtest.Scalar(t, "SELECT uniqExact(AnalysisId), count() FROM "+db+".analyses"); got != "2\t6" {
		t.Errorf("analyses history: %q", got)
	}
	traces, _, _ := kaizen(t, dsn, "traces", "--since", "2025-01-01T00:00:00Z", "--format", "json")
	runs := decode(t, traces)["runs"].([]any)
	last := runs[0].(map[string]any)["last_analysis"].(map[string]any)
	if len(runs) != 1 || last["analysis_id"] != rep2["analysis_id"] || last["status"] != "analyzed" {
		t.Errorf("traces: %v", runs)
	}
}

func TestAnalyzeGeminiFailureStillReports(t *testing.T) {
	withGemini(t, geminitest.Reply{Status: 500, Text: "backend down"})
	dsn := storetest.NewDatabase(t)
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	stdout, stderr, code := kaizen(t, dsn, "analyze", r.TraceID)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Mode: offline — Gemini failed: Gemini gemini-2.5-pro answered HTTP 500") || !strings.Contains(stdout, "Original cost:  $0.03313") {
		t.Errorf("report:\n%s", stdout)
	}
	if got := chtest.Scalar(t, "SELECT Status, Mode, Error LIKE 'gemini: %HTTP 500%' FROM "+dbName(dsn)+".analyses FINAL"); got != "analyzed\toffline\t1" {
		t.Errorf("analysis row: %q", got)
	}
}

func TestGateAndOtherCommands(t *testing.T) {
	noGemini(t)
	dsn := storetest.NewDatabase(t)
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"analyze", r.TraceID, "--max-waste-usd", "0"}, ExitWaste, "CI gate:        savings $"},
		{[]string{"analyze", r.TraceID, "--max-waste-pct", "100", "--no-store"}, ExitOK, "CI gate:        passed"},
		{[]string{"analyze", r.TraceID, "--offline", "--format", "markdown"}, ExitOK, "# Kaizen analysis of trace"},
		{[]string{"show", r.TraceID}, ExitOK, "    #3 chat openai/gpt-4o · in 1200 out 60 · $0.0036"},
		{[]string{"what-if", r.TraceID, "--batch"}, ExitOK, "Total after:  $0.016565"},
		{[]string{"what-if", r.TraceID, "--model", "gpt-4o-mini"}, ExitOK, "Total after:  $0.0017268"},
		{[]string{"what-if", r.TraceID, "--cache"}, ExitOK, "What if: prompt cache"},
		{[]string{"traces", "--workflow", "nope", "--since", "3650d"}, ExitOK, "(no runs)"},
	} {
		stdout, stderr, code := kaizen(t, dsn, tc.args...)
		if code != tc.code || !strings.Contains(stdout, tc.want) {
			t.Errorf("%v: exit %d (want %d), stdout:\n%s\nstderr:\n%s", tc.args, code, tc.code, stdout, stderr)
		}
	}
}
