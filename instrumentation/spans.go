package instrumentation

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"
)

// names is the workflow and agent a context runs under.
type names struct {
	workflow string
	agent    string
}

type namesKey struct{}

func namesFrom(ctx context.Context) names {
	n, _ := ctx.Value(namesKey{}).(names)
	return n
}

// WorkflowName returns the name given to the innermost [StartWorkflow] of
// ctx, or "".
func WorkflowName(ctx context.Context) string { return namesFrom(ctx).workflow }

// AgentName returns the name given to the innermost [StartAgent] of ctx, or
// "".
func AgentName(ctx context.Context) string { return namesFrom(ctx).agent }

// appendAttrs appends gen_ai.workflow.name and gen_ai.agent.name for the
// names set.
func (n names) appendAttrs(out []attribute.KeyValue) []attribute.KeyValue {
	if n.workflow != "" {
		out = append(out, semconv.GenAIWorkflowName(n.workflow))
	}
	if n.agent != "" {
		out = append(out, semconv.GenAIAgentName(n.agent))
	}
	return out
}

// StartWorkflow starts an INTERNAL span named "invoke_workflow {name}" with
// gen_ai.operation.name=invoke_workflow and gen_ai.workflow.name=name. Spans
// started from the returned context, including the inference spans of
// [NewTransport], carry gen_ai.workflow.name. The caller must end the span.
func StartWorkflow(ctx context.Context, name string, opts ...Option) (context.Context, trace.Span) {
	n := namesFrom(ctx)
	n.workflow, n.agent = name, ""
	return startNamed(ctx, n, semconv.GenAIOperationNameInvokeWorkflow, name, nil, opts)
}

// StartAgent starts an INTERNAL span named "invoke_agent {name}" with
// gen_ai.operation.name=invoke_agent, gen_ai.agent.name=name and the
// enclosing gen_ai.workflow.name. Spans started from the returned context
// carry gen_ai.agent.name. The caller must end the span.
func StartAgent(ctx context.Context, name string, opts ...Option) (context.Context, trace.Span) {
	n := namesFrom(ctx)
	n.agent = name
	return startNamed(ctx, n, semconv.GenAIOperationNameInvokeAgent, name, nil, opts)
}

// StartTool starts an INTERNAL span named "execute_tool {name}" with
// gen_ai.operation.name=execute_tool, gen_ai.tool.name=name and the enclosing
// workflow and agent names. The caller must end the span.
func StartTool(ctx context.Context, name string, opts ...Option) (context.Context, trace.Span) {
	return startNamed(ctx, namesFrom(ctx), semconv.GenAIOperationNameExecuteTool, name,
		[]attribute.KeyValue{semconv.GenAIToolName(name)}, opts)
}

// internalKind is made once, like clientKind.
var internalKind = trace.WithSpanKind(trace.SpanKindInternal)

func startNamed(ctx context.Context, n names, op attribute.KeyValue, name string, extra []attribute.KeyValue, opts []Option) (context.Context, trace.Span) {
	attrs := n.appendAttrs([]attribute.KeyValue{op})
	attrs = append(attrs, extra...)
	ctx = context.WithValue(ctx, namesKey{}, n)
	return newConfig(opts).tracer().Start(ctx, op.Value.AsString()+" "+name,
		internalKind, trace.WithAttributes(attrs...))
}
