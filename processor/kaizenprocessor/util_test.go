package kaizenprocessor

import (
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// unknownModelTraces is one semconv chat span with a model no table knows.
func unknownModelTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName("chat mystery")
	a := s.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "mystery-model-9000")
	a.PutInt("gen_ai.usage.input_tokens", 10)
	a.PutInt("gen_ai.usage.output_tokens", 10)
	return td
}
