package run

import (
	"sort"
	"time"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Run is one workflow run: every span of one trace and its LLM calls.
type Run struct {
	// TraceID is the run's trace id (32 lowercase hex digits).
	TraceID string
	// Workflow is the workflow name ("" when the run had none).
	Workflow string
	// Service is the service that emitted the root span.
	Service string
	// Start and End bound the run.
	Start, End time.Time
	// Spans holds every span of the trace in start order.
	Spans []*Span
	// Calls holds the LLM calls in start order; Calls[i].Number == i+1.
	Calls []*Call
}

// Span is one span of the trace (workflow, agent, tool, LLM call or other).
type Span struct {
	SpanID, ParentSpanID string
	// Name is the span name, e.g. "invoke_agent planner" or "chat gpt-4o".
	Name string
	// Operation is gen_ai.operation.name (invoke_workflow, invoke_agent,
	// execute_tool, chat, …) or "" for a non-GenAI span.
	Operation string
	// Agent is gen_ai.agent.name and Tool gen_ai.tool.name ("" when unset).
	Agent, Tool string
	// Service is the emitting service.
	Service    string
	Start      time.Time
	Duration   time.Duration
	StatusCode string
	// Call is set when the span is an LLM call.
	Call *Call
	// Children are the span's children in start order (filled by Build).
	Children []*Span
}

// Call is one LLM call (one llm_calls row).
type Call struct {
	// Number is the call's position in the run, from 1, in start order.
	Number               int
	SpanID, ParentSpanID string
	Timestamp            time.Time
	Duration             time.Duration
	TimeToFirstChunk     time.Duration
	Service              string
	Workflow, Agent      string
	Operation            string
	Provider             string
	RequestModel         string
	ResponseModel        string
	// Usage follows the semconv convention: InputTokens includes cache
	// tokens, OutputTokens includes reasoning tokens.
	Usage pricing.Usage
	// BadTokenCounts names the Usage fields (e.g. "InputTokens") the store
	// held out of range (above MaxTokens): each is 0 in Usage, and reports
	// show the flag. Omitted from JSON when empty, so corpora written before
	// it existed stay byte-identical.
	BadTokenCounts []string `json:",omitempty"`
	// Cost is what the call cost as stored (exact pico-dollars).
	Cost, InputCost, OutputCost pricing.USD
	PriceStatus                 pricing.Status
	PriceVersion                string
	Stream                      bool
	FinishReasons               []string
	StatusCode, ErrorType       string
	// SystemInstructions, InputMessages and OutputMessages are the semconv
	// JSON content ("" when the content policy dropped it).
	SystemInstructions, InputMessages, OutputMessages string
	ContentPolicy                                     string
	// Fingerprints computed by the processor ("" / 0 when absent).
	PromptHash    string
	PromptSimHash uint64
	SystemHash    string
	PrefixHash    string
}

// Model returns the model that served the call: the response model when
// reported, else the request model.
func (c *Call) Model() string {
	if c.ResponseModel != "" {
		return c.ResponseModel
	}
	return c.RequestModel
}

// Failed reports whether the call ended in error.
func (c *Call) Failed() bool { return c.StatusCode == "Error" || c.ErrorType != "" }

// TotalCost sums the cost of the run's calls.
func (r *Run) TotalCost() pricing.USD {
	var total pricing.USD
	for _, c := range r.Calls {
		total += c.Cost
	}
	return total
}

// PriceGaps counts the calls whose cost is incomplete: unpriced (no price
// known, cost 0) and partially priced (a token class without a rate).
func (r *Run) PriceGaps() PriceGaps {
	var g PriceGaps
	for _, c := range r.Calls {
		switch c.PriceStatus {
		case pricing.StatusUnpriced:
			g.Unpriced++
		case pricing.StatusPartial:
			g.Partial++
		}
	}
	return g
}

// PriceGaps says how many calls of a total are not fully priced, so that
// no total is shown bare when it is short.
type PriceGaps struct{ Unpriced, Partial int }

// Call returns call number n, or nil when the run has no such call.
func (r *Run) Call(n int) *Call {
	if n < 1 || n > len(r.Calls) {
		return nil
	}
	return r.Calls[n-1]
}

// Build orders spans and calls by start time, numbers the calls #1…#N,
// links each call to its span and each span to its children, and returns
// the root spans (spans whose parent is not in the trace). Calls without a
// span in spans get one synthesized, so a run read from llm_calls alone
// still forms a tree. A call that wraps another call of the trace is not
// counted (see DropWrappers).
func (r *Run) Build() []*Span {
	r.DropWrappers()
	sort.SliceStable(r.Calls, func(i, j int) bool {
		if !r.Calls[i].Timestamp.Equal(r.Calls[j].Timestamp) {
			return r.Calls[i].Timestamp.Before(r.Calls[j].Timestamp)
		}
		return r.Calls[i].SpanID < r.Calls[j].SpanID
	})
	byID := make(map[string]*Span, len(r.Spans))
	for _, s := range r.Spans {
		byID[s.SpanID] = s
		s.Children = s.Children[:0]
	}
	for i, c := range r.Calls {
		c.Number = i + 1
		s, ok := byID[c.SpanID]
		if !ok {
			s = &Span{SpanID: c.SpanID, ParentSpanID: c.ParentSpanID, Name: c.Operation + " " + c.RequestModel,
				Operation: c.Operation, Service: c.Service, Start: c.Timestamp, Duration: c.Duration, StatusCode: c.StatusCode}
			r.Spans = append(r.Spans, s)
			byID[s.SpanID] = s
		}
		s.Call = c
	}
	sort.SliceStable(r.Spans, func(i, j int) bool { return r.Spans[i].Start.Before(r.Spans[j].Start) })
	var roots []*Span
	for _, s := range r.Spans {
		if p, ok := byID[s.ParentSpanID]; ok && s.ParentSpanID != "" && p != s {
			p.Children = append(p.Children, s)
		} else {
			roots = append(roots, s)
		}
	}
	for _, s := range r.Spans {
		if r.Start.IsZero() || s.Start.Before(r.Start) {
			r.Start = s.Start
		}
		if end := s.Start.Add(s.Duration); end.After(r.End) {
			r.End = end
		}
	}
	return roots
}

// DropWrappers removes from Calls every call that is an ancestor of another
// call and returns their span ids. An SDK's own GenAI span (anthropic-sdk-go
// emits one) around Kaizen's HTTP-level span describes the same request:
// counting both would double its cost. The innermost call is the real one;
// the wrapper stays in Spans as an ordinary span. The processor marks such
// pairs when they reach it in one batch (kaizen.call.wrapper) and the
// exporter then writes only the inner call; this catches the pairs that
// arrived in different batches.
func (r *Run) DropWrappers() []string {
	parent := make(map[string]string, len(r.Spans)+len(r.Calls))
	for _, s := range r.Spans {
		parent[s.SpanID] = s.ParentSpanID
	}
	isCall := make(map[string]bool, len(r.Calls))
	for _, c := range r.Calls {
		parent[c.SpanID] = c.ParentSpanID
		isCall[c.SpanID] = true
	}
	wrapper := map[string]bool{}
	for _, c := range r.Calls {
		id := parent[c.SpanID]
		for depth := 0; id != "" && depth < maxSpanDepth; depth++ {
			if isCall[id] {
				wrapper[id] = true
			}
			id = parent[id]
		}
	}
	if len(wrapper) == 0 {
		return nil
	}
	kept := r.Calls[:0]
	var dropped []string
	for _, c := range r.Calls {
		if wrapper[c.SpanID] {
			dropped = append(dropped, c.SpanID)
			continue
		}
		kept = append(kept, c)
	}
	r.Calls = kept
	sort.Strings(dropped)
	return dropped
}

// maxSpanDepth bounds ancestor walks, so a malformed trace with a parent
// cycle cannot loop forever.
const maxSpanDepth = 256
