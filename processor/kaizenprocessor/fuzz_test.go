package kaizenprocessor

import (
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/metadata"
)

// fuzzKeys are the parser-relevant keys the fuzzer assigns random values to.
var fuzzKeys = []string{
	"gen_ai.provider.name", "gen_ai.system", "gen_ai.request.model", "gen_ai.response.model", "gen_ai.operation.name",
	"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.reasoning.output_tokens",
	"gen_ai.input.messages", "gen_ai.system_instructions", "gen_ai.output.messages", "gen_ai.response.finish_reasons",
	"gen_ai.prompt.0.content", "gen_ai.prompt.99999999999.role", "gen_ai.completion.1.tool_calls.3.arguments",
	"llm.input_messages.2.message.contents.1.message_content.text", "llm.token_count.prompt", "openinference.span.kind",
	"ai.prompt", "ai.prompt.messages", "ai.response.toolCalls", "ai.operationId", "ai.usage.promptTokens", "traceloop.span.kind",
	"input.value", "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments",
}

func newFuzzProcessor(tb testing.TB) *kaizenProcessor {
	cfg := createDefaultConfig()
	p, err := newKaizenProcessor(processortest.NewNopSettings(metadata.Type), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// putFuzz sets key to a value of a type chosen by kind.
func putFuzz(m pcommon.Map, key string, kind uint8, s string, n int64) {
	switch kind % 6 {
	case 0:
		m.PutStr(key, s)
	case 1:
		m.PutInt(key, n)
	case 2:
		m.PutDouble(key, float64(n)/3)
	case 3:
		m.PutBool(key, n%2 == 0)
	case 4:
		sl := m.PutEmptySlice(key)
		sl.AppendEmpty().SetStr(s)
		sl.AppendEmpty().SetInt(n)
	case 5:
		mm := m.PutEmptyMap(key)
		mm.PutStr("content", s)
		mm.PutEmptyMap("nested").PutStr("x", s)
	}
}

// FuzzAttributes feeds random attribute maps (wrong types, invalid UTF-8,
// arbitrary JSON) through the processor: it must not panic and the span
// must survive with its identity.
func FuzzAttributes(f *testing.F) {
	f.Add(uint8(0), uint8(0), `[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`, int64(5), "x")
	f.Add(uint8(9), uint8(1), "\xff\xfe\xfd", int64(-7), "gen_ai.prompt.1.content")
	f.Add(uint8(19), uint8(0), `{"system":1,"messages":{"a":[]}}`, int64(1<<62), "ai.model.id")
	f.Add(uint8(3), uint8(4), `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`, int64(0), "llm.token_count.completion")
	f.Add(uint8(11), uint8(5), "sk-proj-abcdefghijklmnopqrstuvwxyz 4111 1111 1111 1111", int64(3), "gen_ai.usage.cache_creation.input_tokens")
	p := newFuzzProcessor(f)
	f.Fuzz(func(t *testing.T, keyIdx, kind uint8, s string, n int64, extraKey string) {
		td := ptrace.NewTraces()
		span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		span.SetName("fuzz")
		span.SetSpanID([8]byte{1, 2, 3})
		a := span.Attributes()
		a.PutStr("gen_ai.operation.name", "chat")
		a.PutStr("gen_ai.request.model", "gpt-4o")
		putFuzz(a, fuzzKeys[int(keyIdx)%len(fuzzKeys)], kind, s, n)
		putFuzz(a, extraKey, kind+1, s, n)
		putFuzz(span.Events().AppendEmpty().Attributes(), "gen_ai.prompt", kind, s, n)
		span.Events().At(0).SetName("gen_ai.content.prompt")
		out, err := p.processTraces(t.Context(), td)
		if err != nil {
			t.Fatal(err)
		}
		spans := out.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
		if spans.Len() != 1 || spans.At(0).Name() != "fuzz" || spans.At(0).SpanID() != [8]byte{1, 2, 3} {
			t.Fatal("span lost")
		}
		if _, ok := spans.At(0).Attributes().Get(AttrContentPolicy); !ok {
			t.Fatal("GenAI span not processed")
		}
	})
}

// TestHugeValues runs 10 MB values of every parser key through the
// processor: no panic, span preserved, fingerprints computed.
func TestHugeValues(t *testing.T) {
	if testing.Short() {
		t.Skip("large allocation")
	}
	p := newFuzzProcessor(t)
	big := strings.Repeat("word \xff {\"role\":[", 10<<20/16)
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, k := range []string{"gen_ai.input.messages", "gen_ai.prompt.0.content", "ai.prompt", "input.value"} {
		s := spans.AppendEmpty()
		s.SetName(k)
		s.Attributes().PutStr("gen_ai.request.model", "gpt-4o")
		s.Attributes().PutStr(k, big)
	}
	out, err := p.processTraces(t.Context(), td)
	if err != nil {
		t.Fatal(err)
	}
	got := out.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	if got.Len() != 4 {
		t.Fatalf("%d spans", got.Len())
	}
	for i := 0; i < got.Len(); i++ {
		if _, ok := got.At(i).Attributes().Get(AttrPromptHash); !ok {
			t.Errorf("%s: no fingerprint", got.At(i).Name())
		}
	}
}
