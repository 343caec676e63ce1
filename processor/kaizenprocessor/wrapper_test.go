package kaizenprocessor

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// spansByID indexes the spans of td by hex span id.
func spansByID(td ptrace.Traces) map[string]ptrace.Span {
	out := map[string]ptrace.Span{}
	forEachSpan(td, func(s ptrace.Span) { out[s.SpanID().String()] = s })
	return out
}

// TestNestedInferenceSpans runs testdata/nested_calls.json: an
// anthropic-sdk-go span around Kaizen's transport span, an OpenLLMetry span
// around a plain HTTP span around a semconv span, and separate calls that
// must stay separate.
func TestNestedInferenceSpans(t *testing.T) {
	spans := spansByID(runProcessor(t, createDefaultConfig(), loadFixture(t, "nested_calls.json")))
	wrappers := map[string]string{
		"0000000000000002": "0000000000000003", // anthropic.messages.create -> chat claude-sonnet-4-5
		"0000000000000011": "0000000000000013", // openai.chat -> POST -> chat gpt-4o
	}
	calls := []string{"0000000000000003", "0000000000000013", "0000000000000022", "0000000000000023", "0000000000000024", "0000000000000026", "0000000000000027"}
	for id, inner := range wrappers {
		a := spans[id].Attributes()
		if v, ok := a.Get(AttrCallWrapper); !ok || v.Type() != pcommon.ValueTypeBool || !v.Bool() {
			t.Errorf("%s: %s = %v, want true", id, AttrCallWrapper, v.AsRaw())
		}
		if v, _ := a.Get(AttrCallInnerSpanID); v.Str() != inner {
			t.Errorf("%s: %s = %q, want %q", id, AttrCallInnerSpanID, v.Str(), inner)
		}
		for _, k := range []string{AttrCostUSD, AttrCostInputUSD, AttrCostOutputUSD, AttrPriceStatus, AttrPriceVersion} {
			if v, ok := a.Get(k); ok {
				t.Errorf("wrapper %s has %s = %v", id, k, v.AsRaw())
			}
		}
		// Everything else is still normalized and fingerprinted.
		if v, _ := a.Get("gen_ai.operation.name"); v.Str() != "chat" {
			t.Errorf("wrapper %s operation %q", id, v.Str())
		}
	}
	for _, id := range calls {
		a := spans[id].Attributes()
		if _, ok := a.Get(AttrCallWrapper); ok {
			t.Errorf("call %s marked as wrapper", id)
		}
		if v, _ := a.Get(AttrPriceStatus); v.Str() != "priced" {
			t.Errorf("call %s price status %q", id, v.Str())
		}
	}
	// 500 input x $2.50/M + 50 output x $10/M = $0.00175.
	if got, _ := picoAttr(t, spans["0000000000000013"].Attributes(), AttrCostUSD); got != 1_750_000_000 {
		t.Errorf("inner gpt-4o cost %d pico-USD, want 1750000000", got)
	}
	if v, _ := spans["0000000000000003"].Attributes().Get("gen_ai.agent.name"); v.Str() != "support" {
		t.Errorf("inner call did not inherit the agent name through the wrapper: %q", v.Str())
	}
}

// TestNestedInferenceSpansSplitBatches sends the wrapper and the inner span
// in different batches: neither is marked, both are priced (the analyzer
// resolves that case from storage).
func TestNestedInferenceSpansSplitBatches(t *testing.T) {
	full := loadFixture(t, "nested_calls.json")
	for _, keep := range []string{"0000000000000002", "0000000000000003"} {
		td := ptrace.NewTraces()
		full.CopyTo(td)
		td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().RemoveIf(func(s ptrace.Span) bool {
			id := s.SpanID().String()
			return id != keep && id != "0000000000000001"
		})
		a := spansByID(runProcessor(t, createDefaultConfig(), td))[keep].Attributes()
		if _, ok := a.Get(AttrCallWrapper); ok {
			t.Errorf("%s alone in its batch marked as wrapper", keep)
		}
		if v, _ := a.Get(AttrPriceStatus); v.Str() != "priced" {
			t.Errorf("%s alone in its batch: price status %q", keep, v.Str())
		}
	}
}

func TestSameCall(t *testing.T) {
	c := func(op, provider, req, resp string) *pendingCall {
		return &pendingCall{operation: op, provider: provider, reqModel: req, respModel: resp}
	}
	tests := []struct {
		name         string
		outer, inner *pendingCall
		want         bool
	}{
		{"identical", c("chat", "openai", "gpt-4o", ""), c("chat", "openai", "gpt-4o", ""), true},
		{"dated snapshot", c("chat", "openai", "gpt-4o", ""), c("chat", "openai", "", "gpt-4o-2024-08-06"), true},
		{"vertex version", c("chat", "anthropic", "claude-sonnet-4-5@20250929", ""), c("chat", "anthropic", "claude-sonnet-4-5", ""), true},
		{"path and case", c("generate_content", "gcp.gemini", "models/Gemini-2.5-Flash", ""), c("generate_content", "", "gemini-2.5-flash", ""), true},
		{"framework without model", c("chat", "", "", ""), c("chat", "openai", "gpt-4o", ""), true},
		{"other operation", c("chat", "openai", "gpt-4o", ""), c("embeddings", "openai", "gpt-4o", ""), false},
		{"other provider", c("chat", "openai", "gpt-4o", ""), c("chat", "azure.ai.openai", "gpt-4o", ""), false},
		{"other model", c("chat", "openai", "gpt-4o", ""), c("chat", "openai", "gpt-4o-mini", ""), false},
		{"prefix without separator", c("chat", "openai", "o1", ""), c("chat", "openai", "o1x", ""), false},
		{"minor version", c("chat", "anthropic", "claude-sonnet-4", ""), c("chat", "anthropic", "claude-sonnet-4-5", ""), false},
		{"bedrock version", c("chat", "aws.bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", ""), c("chat", "aws.bedrock", "anthropic.claude-3-5-sonnet-20240620-v1", ""), true},
	}
	for _, tt := range tests {
		if got := sameCall(tt.outer, tt.inner); got != tt.want {
			t.Errorf("%s: sameCall = %v, want %v", tt.name, got, tt.want)
		}
	}
}
