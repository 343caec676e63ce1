package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Epoch is the start time of fixture runs.
var Epoch = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

// CallSpec describes one call of a fixture run.
type CallSpec struct {
	Agent, Provider, Model string
	System, User, Answer   string
	In, Out                int64
	ErrorType              string
	FinishReason           string
}

// Build makes a run: an invoke_workflow root, one invoke_agent span per
// distinct agent (in order of first use), and each call as a chat span under
// its agent, one second apart, priced with pricing.Default(). Span ids are
// derived from the trace id and positions, so runs are deterministic.
func Build(traceID, workflow string, specs []CallSpec) *run.Run {
	r := &run.Run{TraceID: traceID, Workflow: workflow, Service: "agents"}
	root := &run.Span{SpanID: spanID(traceID, 0), Name: "invoke_workflow " + workflow, Operation: "invoke_workflow",
		Service: "agents", Start: Epoch, Duration: time.Duration(len(specs)+1) * time.Second, StatusCode: "Ok"}
	r.Spans = append(r.Spans, root)
	agents := map[string]*run.Span{}
	prices := pricing.Default()
	for i, s := range specs {
		ag, ok := agents[s.Agent]
		if !ok {
			ag = &run.Span{SpanID: spanID(traceID, agentSpanBase+len(agents)), ParentSpanID: root.SpanID,
				Name: "invoke_agent " + s.Agent, Operation: "invoke_agent", Agent: s.Agent, Service: "agents",
				Start: Epoch.Add(time.Duration(i) * time.Second), Duration: time.Second, StatusCode: "Ok"}
			agents[s.Agent] = ag
			r.Spans = append(r.Spans, ag)
		}
		ts := Epoch.Add(time.Duration(i+1) * time.Second)
		if end := ts.Add(900 * time.Millisecond); end.After(ag.Start.Add(ag.Duration)) {
			ag.Duration = end.Sub(ag.Start)
		}
		u := pricing.Usage{InputTokens: s.In, OutputTokens: s.Out}
		cost := prices.Price(s.Provider, s.Model, u)
		status := "Ok"
		if s.ErrorType != "" {
			status = "Error"
		}
		finish := s.FinishReason
		if finish == "" {
			finish = "stop"
		}
		c := &run.Call{SpanID: spanID(traceID, i+1), ParentSpanID: ag.SpanID, Timestamp: ts,
			Duration: 900 * time.Millisecond, Service: "agents", Workflow: workflow, Agent: s.Agent, Operation: "chat",
			Provider: s.Provider, RequestModel: s.Model, ResponseModel: s.Model, Usage: u, Cost: cost.Total,
			InputCost: cost.Input, OutputCost: cost.Output, PriceStatus: cost.Status, PriceVersion: cost.Version,
			FinishReasons: []string{finish}, StatusCode: status, ErrorType: s.ErrorType,
			SystemInstructions: textParts(s.System), InputMessages: messages("user", s.User),
			OutputMessages: messages("assistant", s.Answer), ContentPolicy: "full"}
		r.Calls = append(r.Calls, c)
		r.Spans = append(r.Spans, &run.Span{SpanID: c.SpanID, ParentSpanID: ag.SpanID, Name: "chat " + s.Model,
			Operation: "chat", Service: "agents", Start: ts, Duration: c.Duration, StatusCode: status})
	}
	return r
}

func spanID(traceID string, n int) string {
	return fmt.Sprintf("%s%08x", traceID[:8], n)
}

func textParts(text string) string {
	if text == "" {
		return ""
	}
	b, _ := json.Marshal([]map[string]string{{"type": "text", "content": text}})
	return string(b)
}

func messages(role, text string) string {
	if text == "" {
		return ""
	}
	b, _ := json.Marshal([]map[string]any{{"role": role, "parts": []map[string]string{{"type": "text", "content": text}}}})
	return string(b)
}

// SampleTrace is the trace id of Sample.
const SampleTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

// Sample is a small run with planted waste: call #3 repeats call #1's
// question, call #2 uses gpt-4o to translate one word, call #4 sends a long
// catalog the answer never uses.
func Sample() *run.Run { return Build(SampleTrace, "checkout", SampleSpecs()) }

// SampleSpecs are the calls of Sample, for runs shaped like it.
func SampleSpecs() []CallSpec {
	catalog := strings.Repeat("SKU-1001 blue widget, 12 USD, in stock. ", 120)
	sys := "You are the research agent of an online shop. Answer precisely and cite product ids when relevant."
	return []CallSpec{
		{Agent: "researcher", Provider: "openai", Model: "gpt-4o", System: sys,
			User: "What is the return policy for opened electronics?", Answer: "Opened electronics can be returned within 14 days with a 10% restocking fee.", In: 1200, Out: 60},
		{Agent: "translator", Provider: "openai", Model: "gpt-4o", System: "Translate to French. Answer with the translation only.",
			User: "shopping cart", Answer: "panier", In: 40, Out: 3},
		{Agent: "researcher", Provider: "openai", Model: "gpt-4o", System: sys,
			User: "What is the return policy for opened electronics?", Answer: "Opened electronics can be returned within 14 days with a 10% restocking fee.", In: 1200, Out: 60},
		{Agent: "writer", Provider: "anthropic", Model: "claude-sonnet-4-5", System: "Write a one-line order confirmation.\n\n" + catalog,
			User: "Order 1234: one blue widget.", Answer: "Your order 1234 for one blue widget is confirmed.", In: 8500, Out: 20},
	}
}

// Synthetic is a run of n calls over four agents with about contentBytes of
// content per call, shaped like real agent traffic: each agent has a stable
// system prompt, every call carries a shared context block and a unique
// question, and answers are unique.
func Synthetic(traceID string, n, contentBytes int) *run.Run {
	agents := []string{"planner", "researcher", "coder", "reviewer"}
	specs := make([]CallSpec, n)
	for i := range specs {
		ag := agents[i%len(agents)]
		sys := fmt.Sprintf("You are the %s agent. %s", ag, strings.Repeat("Follow the team's policies and answer in JSON. ", contentBytes/2/48+1))
		shared := strings.Repeat(fmt.Sprintf("Context for task %d: the repository layout and conventions. ", i/50), contentBytes/4/62+1)
		user := fmt.Sprintf("Step %d: %s", i, strings.Repeat(fmt.Sprintf("detail %d-%d ", i, i%7), contentBytes/4/14+1))
		specs[i] = CallSpec{Agent: ag, Provider: "openai", Model: "gpt-4o", System: sys, User: shared + "\n\n" + user,
			Answer: fmt.Sprintf("Result of step %d.", i), In: int64(contentBytes / 4), Out: 50}
	}
	return Build(traceID, "synthetic", specs)
}

// agentSpanBase numbers agent spans apart from calls (1…n) so their ids
// never collide, whatever the run's size.
const agentSpanBase = 0x40000000
