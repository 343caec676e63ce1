package triage

import (
	"context"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kaizenhq/kaizen/examples/fakellm"
	"github.com/kaizenhq/kaizen/instrumentation"
)

func TestRunProducesOneTracePerTicket(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	srv := httptest.NewServer(fakellm.New(nil))
	defer srv.Close()
	ctx := context.Background()
	otel.SetTracerProvider(tp) // the workflow's own spans use the global provider
	clients, err := NewClients(ctx, srv.URL, instrumentation.WithTracerProvider(tp))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, clients, SampleTickets[0])
	if err != nil {
		t.Fatal(err)
	}
	if res.Category == "" || res.Reply == "" {
		t.Fatalf("result = %+v", res)
	}
	ops := map[string]int{}
	agents := map[string]int{}
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID() != res.TraceID {
			t.Errorf("span %s in trace %s, want %s", s.Name(), s.SpanContext().TraceID(), res.TraceID)
		}
		attrs := attribute.NewSet(s.Attributes()...)
		op, _ := attrs.Value("gen_ai.operation.name")
		ops[op.AsString()]++
		if op.AsString() == "chat" || op.AsString() == "generate_content" {
			wf, _ := attrs.Value("gen_ai.workflow.name")
			ag, _ := attrs.Value("gen_ai.agent.name")
			if wf.AsString() != "support-triage" {
				t.Errorf("%s: workflow = %q", s.Name(), wf.AsString())
			}
			agents[ag.AsString()]++
		}
	}
	want := map[string]int{"invoke_workflow": 1, "invoke_agent": 3, "execute_tool": 1, "chat": 3, "generate_content": 1}
	for op, n := range want {
		if ops[op] != n {
			t.Errorf("%s spans = %d, want %d (all: %v)", op, ops[op], n, ops)
		}
	}
	if agents["classifier"] != 1 || agents["researcher"] != 2 || agents["writer"] != 1 {
		t.Errorf("calls per agent = %v", agents)
	}
}
