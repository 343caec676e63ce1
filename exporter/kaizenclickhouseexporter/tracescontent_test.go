package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"testing"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestTracesContent checks both traces_content modes: "full" keeps the
// content attributes in otel_traces, "reference" replaces them with a
// marker on inference spans only, and llm_calls holds the content either
// way.
func TestTracesContent(t *testing.T) {
	const inputMessages = `[{"role":"user","parts":[{"type":"text","content":"Plan a trip"}]}]`
	tests := []struct {
		mode string
		// want: SpanAttributes of the chat span (3) and of an agent span (2)
		// that carries input messages but is not an inference call.
		wantChatSystem, wantChatInput, wantChatOutput, wantAgentInput string
	}{
		{mode: TracesContentFull, wantChatSystem: `[{"type":"text","content":"You plan."}]`, wantChatInput: inputMessages,
			wantChatOutput: `[{"role":"assistant","parts":[{"type":"text","content":"Day 1…"}]}]`, wantAgentInput: "agent input"},
		{mode: TracesContentReference, wantChatSystem: "[kaizen: in llm_calls.SystemInstructions]", wantChatInput: "[kaizen: in llm_calls.InputMessages]",
			wantChatOutput: "[kaizen: in llm_calls.OutputMessages]", wantAgentInput: "agent input"},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			db := chtest.NewDatabase(t)
			cfg := testConfig(db)
			cfg.TracesContent = tc.mode
			exp := startExporter(t, cfg, nopSettings())
			td := workflowTraces()
			for _, span := range td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().All() {
				if span.SpanID() == spanID(2) {
					span.Attributes().PutStr(genai.InputMessages, "agent input")
				}
			}
			if err := exp.ConsumeTraces(context.Background(), td); err != nil {
				t.Fatal(err)
			}
			got := query(t, fmt.Sprintf(`SELECT SpanId, SpanAttributes['gen_ai.system_instructions'], SpanAttributes['gen_ai.input.messages'],
				SpanAttributes['gen_ai.output.messages'], SpanAttributes['gen_ai.request.model']
				FROM %s.otel_traces WHERE SpanId IN ('cd00000000000002', 'cd00000000000003') ORDER BY SpanId`, db))
			assertRows(t, "otel_traces content", got, []string{
				"cd00000000000002\t\t" + tc.wantAgentInput + "\t\t",
				"cd00000000000003\t" + tc.wantChatSystem + "\t" + tc.wantChatInput + "\t" + tc.wantChatOutput + "\tgpt-4o",
			})
			calls := query(t, fmt.Sprintf(`SELECT InputMessages FROM %s.llm_calls WHERE SpanId = 'cd00000000000003'`, db))
			assertRows(t, "llm_calls content", calls, []string{inputMessages})
		})
	}
}
