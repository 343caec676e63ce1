package e2e

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// LoadService is the service.name of generated load.
const LoadService = "kaizen-load"

// Batches builds generated spans: each batch is one trace of n spans, a
// root agent span and children, every other child a GenAI chat span with
// contentBytes of input messages. Ids are unique across every Batches value
// with a different seed.
type Batches struct {
	seed    uint32
	next    atomic.Uint64
	content string
}

// NewBatches returns a generator; seed keeps ids of several generators (or
// several runs over the same store) apart.
func NewBatches(seed uint32, contentBytes int) *Batches {
	const sentence = "Summarise the customer's ticket and list next steps. "
	msg, _ := json.Marshal([]map[string]any{{"role": "user", "parts": []map[string]string{
		{"type": "text", "content": strings.Repeat(sentence, contentBytes/len(sentence)+1)[:contentBytes]},
	}}})
	return &Batches{seed: seed, content: string(msg)}
}

// Batch is one generated request and the ids it carries.
type Batch struct {
	Traces ptrace.Traces
	Spans  []SpanKey
	// GenAI are the spans that must also be in llm_calls.
	GenAI []SpanKey
}

// Next builds the next batch of n spans (n ≥ 1).
func (b *Batches) Next(n int) Batch {
	seq := b.next.Add(1)
	var tid pcommon.TraceID
	binary.BigEndian.PutUint32(tid[0:4], b.seed)
	binary.BigEndian.PutUint64(tid[8:16], seq)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", LoadService)
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	spans.EnsureCapacity(n)
	out := Batch{Traces: td}
	now := time.Now()
	var root pcommon.SpanID
	for i := range n {
		s := spans.AppendEmpty()
		var sid pcommon.SpanID
		binary.BigEndian.PutUint32(sid[0:4], uint32(seq))
		binary.BigEndian.PutUint32(sid[4:8], uint32(i+1))
		s.SetTraceID(tid)
		s.SetSpanID(sid)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Duration(i+1) * time.Millisecond)))
		a := s.Attributes()
		a.PutStr("gen_ai.workflow.name", "load")
		k := SpanKey{tid.String(), sid.String()}
		out.Spans = append(out.Spans, k)
		switch {
		case i == 0:
			root = sid
			s.SetName("invoke_agent loader")
			a.PutStr("gen_ai.operation.name", "invoke_agent")
			a.PutStr("gen_ai.agent.name", "loader")
		case i%2 == 1:
			s.SetParentSpanID(root)
			s.SetName("chat gpt-4o-mini")
			s.SetKind(ptrace.SpanKindClient)
			a.PutStr("gen_ai.operation.name", "chat")
			a.PutStr("gen_ai.provider.name", "openai")
			a.PutStr("gen_ai.request.model", "gpt-4o-mini")
			a.PutInt("gen_ai.usage.input_tokens", 600)
			a.PutInt("gen_ai.usage.output_tokens", 80)
			a.PutStr("gen_ai.input.messages", b.content)
			out.GenAI = append(out.GenAI, k)
		default:
			s.SetParentSpanID(root)
			s.SetName("execute_tool search")
			a.PutStr("gen_ai.operation.name", "execute_tool")
			a.PutStr("gen_ai.tool.name", "search")
		}
	}
	return out
}

// Acked records the spans a collector acknowledged.
type Acked struct {
	mu       sync.Mutex
	spans    map[SpanKey]bool
	genAI    map[SpanKey]bool
	requests int
	failed   int
	lastErr  error
}

// NewAcked returns an empty record.
func NewAcked() *Acked { return &Acked{spans: map[SpanKey]bool{}, genAI: map[SpanKey]bool{}} }

func (a *Acked) record(b Batch, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests++
	if err != nil {
		a.failed++
		a.lastErr = err
		return
	}
	for _, k := range b.Spans {
		a.spans[k] = true
	}
	for _, k := range b.GenAI {
		a.genAI[k] = true
	}
}

// Expect returns the acknowledged spans and GenAI spans.
func (a *Acked) Expect() (spans, genAI map[SpanKey]bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.spans, a.genAI
}

// String summarizes the requests.
func (a *Acked) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return fmt.Sprintf("%d requests, %d failed (last error: %v), %d spans acknowledged (%d GenAI)",
		a.requests, a.failed, a.lastErr, len(a.spans), len(a.genAI))
}

// SteadyLoad sends one batch of spansPerBatch spans every interval until
// ctx is done, recording what was acknowledged. A request that fails (the
// collector down, the queue full) is not retried: its spans are not
// acknowledged, exactly what an SDK that drops on error would see.
func SteadyLoad(ctx context.Context, s *Sender, b *Batches, spansPerBatch int, interval time.Duration, acked *Acked) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		batch := b.Next(spansPerBatch)
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		acked.record(batch, s.Send(rctx, batch.Traces))
		cancel()
	}
}
