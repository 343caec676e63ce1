package kaizenclickhouseexporter

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// benchSpans is the size of one benchmark batch.
const benchSpans = 10_000

// benchTraces returns benchSpans spans in traces of 10 (unique per seed):
// half are GenAI chat calls carrying 2 KB of content and the processor's
// attributes, half are tool and agent spans.
func benchTraces(seed int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "bench-agent")
	rs.Resource().Attributes().PutStr("host.name", "bench-host")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("github.com/kaizenhq/kaizen/instrumentation")
	content := `[{"role":"user","parts":[{"type":"text","content":"` + strings.Repeat("plan the trip ", 146) + `"}]}]`
	for i := range benchSpans {
		span := ss.Spans().AppendEmpty()
		var tid pcommon.TraceID
		binary.BigEndian.PutUint64(tid[:8], uint64(seed)+1)
		binary.BigEndian.PutUint64(tid[8:], uint64(i/10)+1)
		var sid pcommon.SpanID
		binary.BigEndian.PutUint64(sid[:], uint64(seed)<<32|uint64(i)+1)
		span.SetTraceID(tid)
		span.SetSpanID(sid)
		span.SetStartTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(i) * time.Millisecond)))
		span.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(i)*time.Millisecond + 800*time.Millisecond)))
		a := span.Attributes()
		if i%2 == 0 {
			span.SetName("invoke_agent planner")
			a.PutStr(genai.Operation, "invoke_agent")
			a.PutStr(genai.Agent, "planner")
			a.PutStr(genai.Workflow, "bench")
			continue
		}
		span.SetParentSpanID(pcommon.SpanID(binary.BigEndian.AppendUint64(nil, uint64(seed)<<32|uint64(i))))
		span.SetName("chat gpt-4o")
		span.SetKind(ptrace.SpanKindClient)
		a.PutStr(genai.Operation, "chat")
		a.PutStr(genai.Provider, "openai")
		a.PutStr(genai.RequestModel, "gpt-4o")
		a.PutInt(genai.InputTokens, 1200)
		a.PutInt(genai.OutputTokens, 300)
		a.PutStr(genai.InputMessages, content)
		a.PutDouble(genai.CostUSD, 0.006)
		a.PutStr(genai.PriceStatus, statusPriced)
		a.PutStr(genai.PromptHash, "0123456789abcdef")
		a.PutStr(genai.PromptSimHash, "0123456789abcdef")
	}
	return td
}

// withCompression is testConfig with a wire compression.
func withCompression(db, compression string) *Config {
	cfg := testConfig(db)
	cfg.Compression = compression
	return cfg
}

// processCPU returns the CPU time (user + system) this process has used:
// the exporter, the HTTP server and the embedded engine's threads, which
// all run in the test binary. On a shared machine it is a steadier measure
// than wall time, and what bounds a collector's throughput on few cores.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPushTraces pushes 10k-span batches (half GenAI with 2 KB of
// content) through our exporter (otel_traces and llm_calls) and through the
// contrib clickhouseexporter v0.165.1 (otel_traces only), both synchronous,
// uncompressed, against the same embedded ClickHouse. Their spans are from
// before the exporter started, so every kaizen push but kaizen_fresh's
// pays the replay check (finding nothing stored).
func BenchmarkPushTraces(b *testing.B) {
	for _, tc := range []struct {
		name  string
		start func(b *testing.B, db string) exporter.Traces
	}{
		{"kaizen", func(b *testing.B, db string) exporter.Traces { return startExporter(b, testConfig(db), nopSettings()) }},
		{"kaizen_http_none", func(b *testing.B, db string) exporter.Traces {
			return startExporter(b, withCompression(db, "none"), nopSettings())
		}},
		{"kaizen_http_lz4", func(b *testing.B, db string) exporter.Traces {
			return startExporter(b, withCompression(db, "lz4"), nopSettings())
		}},
		{"kaizen_content_reference", func(b *testing.B, db string) exporter.Traces {
			cfg := testConfig(db)
			cfg.TracesContent = TracesContentReference
			return startExporter(b, cfg, nopSettings())
		}},
		{"contrib", func(b *testing.B, db string) exporter.Traces { return startContrib(b, db) }},
		{"kaizen_fresh", func(b *testing.B, db string) exporter.Traces { return startExporter(b, testConfig(db), nopSettings()) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			db := chtest.NewDatabase(b)
			exp := tc.start(b, db)
			batches := make([]ptrace.Traces, b.N)
			for i := range batches {
				batches[i] = benchTraces(i)
				if tc.name == "kaizen_fresh" { // spans ending after the start: no replay check
					freshen(batches[i])
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			begin, cpuBegin := time.Now(), processCPU(b)
			for i := range b.N {
				if err := exp.ConsumeTraces(context.Background(), batches[i]); err != nil {
					b.Fatal(err)
				}
			}
			elapsed, cpu := time.Since(begin), processCPU(b)-cpuBegin
			b.StopTimer()
			b.ReportMetric(float64(b.N*benchSpans)/elapsed.Seconds(), "spans/s")
			b.ReportMetric(float64(b.N*benchSpans)/cpu.Seconds(), "spans/cpu-s")
			if got := chtest.Scalar(b, fmt.Sprintf("SELECT count() FROM %s.otel_traces", db)); got != fmt.Sprint(b.N*benchSpans) {
				b.Fatalf("stored %s spans, want %d", got, b.N*benchSpans)
			}
		})
	}
}

// BenchmarkReplayCheck measures the replay filter alone on a 10k-span
// batch (15 000 rows in both tables): fresh spans (not checked), spans
// from before the start that are not stored (a late or backfilled batch),
// and replays of a stored batch, whole or half.
func BenchmarkReplayCheck(b *testing.B) {
	for _, tc := range []struct {
		name   string
		fresh  bool
		stored int // of the batch's spans, pushed before the benchmark: 0, half, all
	}{
		{"fresh", true, 0},
		{"old_not_stored", false, 0},
		{"replay_half_stored", false, benchSpans / 2},
		{"replay_all_stored", false, benchSpans},
	} {
		b.Run(tc.name, func(b *testing.B) {
			db := chtest.NewDatabase(b)
			e := runExporter(b, db, nopSettings())
			td := benchTraces(1)
			if tc.fresh {
				freshen(td)
			}
			if tc.stored > 0 {
				part := ptrace.NewTraces()
				td.CopyTo(part)
				spans := part.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
				n := 0
				spans.RemoveIf(func(ptrace.Span) bool { n++; return n > tc.stored })
				push(b, e, part)
			}
			r := buildRows(td, e.cfg.maxValueBytes(), false)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				release, dropped, err := e.replays.filter(context.Background(), r.batches())
				if err != nil {
					b.Fatal(err)
				}
				release()
				if got := dropped[0]; got != tc.stored {
					b.Fatalf("dropped %d otel_traces rows, want %d", got, tc.stored)
				}
			}
		})
	}
}
