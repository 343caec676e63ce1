package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestWrapperSpanIsNotACall checks that an inference span the processor
// marked as wrapping another span of the same call (anthropic-sdk-go's own
// span around Kaizen's transport span) is stored in otel_traces but not as
// a second llm_calls row, so the call is counted once.
func TestWrapperSpanIsNotACall(t *testing.T) {
	tests := []struct {
		name      string
		wrapper   any
		wantCalls []string
	}{
		{"marked wrapper", true, []string{"cd00000000000002"}},
		{"wrapper false", false, []string{"cd00000000000001", "cd00000000000002"}},
		{"wrong type is not a mark", "true", []string{"cd00000000000001", "cd00000000000002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := chtest.NewDatabase(t)
			exp := startExporter(t, testConfig(db), nopSettings())
			td := ptrace.NewTraces()
			ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
			outer := addSpan(ss, 1, 1, 0, "anthropic.messages.create", 0, 2*time.Second)
			outer.Attributes().PutStr(genai.Operation, "chat")
			outer.Attributes().PutStr(genai.RequestModel, "claude-sonnet-4-5")
			outer.Attributes().PutInt(genai.InputTokens, 100)
			switch v := tt.wrapper.(type) {
			case bool:
				outer.Attributes().PutBool(genai.CallWrapper, v)
			case string:
				outer.Attributes().PutStr(genai.CallWrapper, v)
			}
			inner := addSpan(ss, 1, 2, 1, "chat claude-sonnet-4-5", time.Millisecond, time.Second)
			inner.Attributes().PutStr(genai.Operation, "chat")
			inner.Attributes().PutStr(genai.RequestModel, "claude-sonnet-4-5")
			inner.Attributes().PutInt(genai.InputTokens, 100)
			if err := exp.ConsumeTraces(context.Background(), td); err != nil {
				t.Fatal(err)
			}
			assertRows(t, "otel_traces", query(t, fmt.Sprintf("SELECT SpanId FROM %s.otel_traces ORDER BY SpanId", db)),
				[]string{"cd00000000000001", "cd00000000000002"})
			assertRows(t, "llm_calls", query(t, fmt.Sprintf("SELECT SpanId FROM %s.llm_calls ORDER BY SpanId", db)), tt.wantCalls)
		})
	}
}
