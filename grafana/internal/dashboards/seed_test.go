package dashboards

import (
	"fmt"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// seed writes the known dataset the panel tests assert on, into db, with
// times in minutes before to:
//
//	t1 triage/svc-a  s1 70' planner openai gpt-4o          0.50 priced   2 s, ttfc 0.5 s, stop,       prompt h1, 400 cache read
//	                 s2 69' writer anthropic claude-sonnet-4 1.25 priced 4 s, ttfc 1 s,   max_tokens, 1000 cache write
//	t2 report/svc-b  s3 20' planner openai mystery          0    unpriced 1 s, error,                  prompt h1
//	                 s4 19' writer openai gpt-4o           0.25 partial  3 s, stop, 50 reasoning
//	t3 triage/svc-a  s5 10' planner openai gpt-4o          0.50 priced   2 s, ttfc 0.4 s, stop,       prompt h1, 400 cache read
//
// The calls insert is replayed with its deduplication token (as the
// exporter retries), which must not count twice. Analyses: t1 analyzed
// twice (the newer, 1.00 saved of 1.75, wins over the older 0.70), t2
// analyzed (0.05 of 0.25) then a newer attempt failed, t3 still analyzing.
func seed(t *testing.T, db string, to time.Time) {
	t.Helper()
	ts := func(m float64) string {
		return to.Add(-time.Duration(m * float64(time.Minute))).Format("2006-01-02 15:04:05.000")
	}
	calls := fmt.Sprintf(`INSERT INTO %s.llm_calls (Timestamp, TraceId, SpanId, ServiceName, Workflow, Agent, Provider, RequestModel,
 InputTokens, OutputTokens, CacheReadTokens, CacheWriteTokens, ReasoningTokens, CostUSD, PriceStatus, Duration, TimeToFirstChunk, Stream,
 FinishReasons, StatusCode, ErrorType, PromptHash)
SETTINGS insert_deduplication_token = 'seed' VALUES
('%s', 't1', 's1', 'svc-a', 'triage', 'planner', 'openai', 'gpt-4o', 1000, 200, 400, 0, 0, 0.5, 'priced', 2000000000, 500000000, true, ['stop'], 'Ok', '', 'h1'),
('%s', 't1', 's2', 'svc-a', 'triage', 'writer', 'anthropic', 'claude-sonnet-4', 2000, 500, 0, 1000, 0, 1.25, 'priced', 4000000000, 1000000000, true, ['max_tokens'], 'Ok', '', 'h2'),
('%s', 't2', 's3', 'svc-b', 'report', 'planner', 'openai', 'mystery', 100, 0, 0, 0, 0, 0, 'unpriced', 1000000000, 0, false, [], 'Error', 'http_500', 'h1'),
('%s', 't2', 's4', 'svc-b', 'report', 'writer', 'openai', 'gpt-4o', 500, 100, 0, 0, 50, 0.25, 'partial', 3000000000, 0, false, ['stop'], 'Ok', '', 'h4'),
('%s', 't3', 's5', 'svc-a', 'triage', 'planner', 'openai', 'gpt-4o', 1000, 200, 400, 0, 0, 0.5, 'priced', 2000000000, 400000000, true, ['stop'], 'Ok', '', 'h1')`,
		db, ts(70), ts(69), ts(20), ts(19), ts(10))
	const a1, a2, a3, a4, a5 = "00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000a2",
		"00000000-0000-0000-0000-0000000000a3", "00000000-0000-0000-0000-0000000000a4", "00000000-0000-0000-0000-0000000000a5"
	analyses := fmt.Sprintf(`INSERT INTO %s.analyses (AnalysisId, TraceId, Workflow, CreatedAt, UpdatedAt, Status, Mode, OriginalCostUSD, OptimizedCostUSD, SavingsUSD, Findings, Error) VALUES
('%s', 't1', 'triage', '%s', '%[3]s', 'pending', 'offline', 0, 0, 0, 0, ''),
('%[2]s', 't1', 'triage', '%[3]s', '%s', 'analyzed', 'offline', 1.75, 1.05, 0.7, 2, ''),
('%s', 't1', 'triage', '%s', '%[6]s', 'pending', 'offline', 0, 0, 0, 0, ''),
('%[5]s', 't1', 'triage', '%[6]s', '%s', 'analyzed', 'offline', 1.75, 0.75, 1.0, 2, ''),
('%s', 't2', 'report', '%s', '%[9]s', 'pending', 'offline', 0, 0, 0, 0, ''),
('%[8]s', 't2', 'report', '%[9]s', '%s', 'analyzed', 'offline', 0.25, 0.2, 0.05, 1, ''),
('%s', 't2', 'report', '%s', '%s', 'failed', 'offline', 0, 0, 0, 0, 'quota'),
('%s', 't3', 'triage', '%s', '%[15]s', 'pending', 'offline', 0, 0, 0, 0, ''),
('%[14]s', 't3', 'triage', '%[15]s', '%s', 'analyzing', 'offline', 0, 0, 0, 0, '')`,
		db, a1, ts(25), ts(24), a2, ts(5), ts(4), a3, ts(15), ts(14), a5, ts(3), ts(2), a4, ts(8), ts(7))
	findings := fmt.Sprintf(`INSERT INTO %s.findings (AnalysisId, TraceId, CreatedAt, Ordinal, Type, Severity, Confidence, CallNumbers, SpanIds, Title, Recommendation, SavingsUSD) VALUES
('%s', 't1', '%s', 1, 'redundant_call', 'high', 0.9, [1], ['s1'], 'old redundant', 'cache it', 0.5),
('%[2]s', 't1', '%[3]s', 2, 'prompt_bloat', 'low', 0.6, [2], ['s2'], 'old bloat', 'trim it', 0.2),
('%s', 't1', '%s', 1, 'model_overkill', 'high', 0.8, [2], ['s2'], 'Sonnet for a lookup', 'use Haiku', 0.5),
('%[4]s', 't1', '%[5]s', 2, 'redundant_call', 'medium', 0.9, [1], ['s1'], 'asked twice', 'cache it', 0.5),
('%s', 't2', '%s', 1, 'model_overkill', 'low', 0.7, [2], ['s4'], 'gpt-4o for a summary', 'use gpt-4o-mini', 0.05)`,
		db, a1, ts(25), a2, ts(5), a3, ts(15))
	spans := fmt.Sprintf(`INSERT INTO %s.otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, SpanAttributes, Duration, StatusCode) VALUES
('%s', 't1', 'root', '', 'triage', 'Internal', 'svc-a', {'gen_ai.workflow.name': 'triage'}, 70000000000, 'Ok'),
('%s', 't1', 's1', 'root', 'chat gpt-4o', 'Client', 'svc-a', {'gen_ai.agent.name': 'planner'}, 2000000000, 'Ok'),
('%s', 't1', 's2', 'root', 'chat claude-sonnet-4', 'Client', 'svc-a', {'gen_ai.agent.name': 'writer'}, 4000000000, 'Ok')`,
		db, ts(70.01), ts(70), ts(69))
	chtest.Exec(t, calls, calls, analyses, findings, spans)
}
