package kaizenprocessor

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

const benchSpans = 10000

var benchWords = strings.Fields("the customer order refund asks about shipping delays and wants a summary of the invoice " +
	"please check the account history then answer politely with next steps for the delivery team tomorrow")

// benchBatch builds benchSpans spans: models of them semconv chat spans with
// about 2 KB of content, the rest plain HTTP spans.
func benchBatch(models int) ptrace.Traces {
	r := rand.New(rand.NewPCG(1, 1))
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i := 0; i < benchSpans; i++ {
		s := spans.AppendEmpty()
		s.SetTraceID(pcommon.TraceID{byte(i), byte(i >> 8), 1})
		s.SetSpanID(pcommon.SpanID{byte(i), byte(i >> 8), 2})
		a := s.Attributes()
		if i < models {
			s.SetName("chat gpt-4o")
			var text strings.Builder
			for text.Len() < 1800 {
				text.WriteString(benchWords[r.IntN(len(benchWords))])
				text.WriteByte(' ')
			}
			msgs, _ := json.Marshal([]genai.Message{{Role: "user", Parts: []genai.Part{{Type: "text", Content: fmt.Sprintf("ticket %d: %s", i, text.String())}}}})
			a.PutStr("gen_ai.operation.name", "chat")
			a.PutStr("gen_ai.provider.name", "openai")
			a.PutStr("gen_ai.request.model", "gpt-4o")
			a.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
			a.PutInt("gen_ai.usage.input_tokens", 600)
			a.PutInt("gen_ai.usage.output_tokens", 120)
			a.PutInt("gen_ai.usage.cache_read.input_tokens", 256)
			a.PutStr("gen_ai.system_instructions", `[{"type":"text","content":"You are a support assistant. Answer briefly."}]`)
			a.PutStr("gen_ai.input.messages", string(msgs))
			a.PutStr("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Your refund is on its way."}],"finish_reason":"stop"}]`)
			continue
		}
		s.SetName("GET /api/orders")
		a.PutStr("http.request.method", "GET")
		a.PutStr("url.path", "/api/orders/123")
		a.PutStr("server.address", "orders.internal")
		a.PutInt("server.port", 8080)
		a.PutInt("http.response.status_code", 200)
		a.PutStr("network.protocol.version", "1.1")
	}
	return td
}

// walkFloor is the pass-through floor: it visits every span and reads every
// attribute, doing no other work.
func walkFloor(td ptrace.Traces) int {
	n := 0
	forEachSpan(td, func(s ptrace.Span) {
		s.Attributes().Range(func(k string, v pcommon.Value) bool {
			n += len(k) + int(v.Type())
			return true
		})
	})
	return n
}

// BenchmarkProcessor reports spans/s for the kaizen processor and for the
// pass-through floor on the same batches, in the same run.
func BenchmarkProcessor(b *testing.B) {
	p := newFuzzProcessor(b)
	for _, bc := range []struct {
		name  string
		genai int
		floor bool
	}{
		{"floor/plain", 0, true},
		{"kaizen/plain", 0, false},
		{"floor/mixed", benchSpans / 2, true},
		{"kaizen/mixed", benchSpans / 2, false},
		{"kaizen/genai", benchSpans, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			src := benchBatch(bc.genai)
			b.ReportAllocs()
			b.ResetTimer()
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				td := ptrace.NewTraces()
				src.CopyTo(td)
				c0 := cpuTime()
				b.StartTimer()
				if bc.floor {
					walkFloor(td)
				} else if _, err := p.processTraces(b.Context(), td); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - c0
				b.StartTimer()
			}
			// Wall-clock rates suffer on a shared machine; CPU-time rates
			// (process user+system time, GC included) are the comparable numbers.
			b.ReportMetric(float64(benchSpans)*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
			b.ReportMetric(float64(benchSpans)*float64(b.N)/cpu.Seconds(), "spans/cpu-s")
			if bc.genai > 0 && !bc.floor {
				b.ReportMetric(float64(bc.genai)*float64(b.N)/cpu.Seconds(), "genai_spans/cpu-s")
			}
		})
	}
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRedact runs the preset scanners (default config) on the values
// BenchmarkProcessor's spans carry: the about 2 KB message JSON of a GenAI
// span, and the name and string values of a plain span.
func BenchmarkRedact(b *testing.B) {
	p := newFuzzProcessor(b)
	var genaiText string
	if v, ok := benchBatch(1).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Get("gen_ai.input.messages"); ok {
		genaiText = v.Str()
	}
	for _, bc := range []struct {
		name   string
		rules  rules
		values []string
	}{
		{"genai", rulesGenAI, []string{genaiText}},
		{"plain", ruleCredentials, []string{"GET /api/orders", "GET", "/api/orders/123", "orders.internal", "1.1"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for _, v := range bc.values {
				n += len(v)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			var t tally
			c0 := cpuTime()
			for b.Loop() {
				for _, v := range bc.values {
					if p.red.redact(v, bc.rules, &t) != v {
						b.Fatalf("redacted %q", v)
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
