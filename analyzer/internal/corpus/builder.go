package corpus

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// msg and part are the generated semconv messages and their parts.
type (
	msg  = genai.Message
	part = genai.Part
)

func user(texts ...string) msg { return textMsg("user", texts...) }

func assistant(texts ...string) msg { return textMsg("assistant", texts...) }

func textMsg(role string, texts ...string) msg {
	m := msg{Role: role}
	for _, t := range texts {
		m.Parts = append(m.Parts, part{Type: "text", Content: t})
	}
	return m
}

func toolResult(id, response string) msg {
	// The response is recorded as a JSON string, whatever it holds.
	raw, _ := json.Marshal(response) // marshaling a string cannot fail
	return msg{Role: "tool", Parts: []part{{Type: "tool_call_response", ID: id, Response: raw}}}
}

// spec describes one call to generate.
type spec struct {
	agent, provider, model string
	system                 string
	input                  []msg
	output                 string
	finish                 string // default "stop"
	errorType              string
	// reasoning adds reasoning tokens to the output.
	reasoning int64
	// cacheRead and cacheWrite are prompt-cache tokens.
	cacheRead, cacheWrite int64
	// noUsage reports zero tokens (a call rejected before any token).
	noUsage bool
	// gap is the time since the previous call (default 2s).
	gap time.Duration
}

// builder assembles one run.
type builder struct {
	g              *gen
	prices         *pricing.Table
	r              *run.Run
	now            time.Time
	agents         map[string]*run.Span
	root           *run.Span
	noFingerprints bool
}

func newBuilder(g *gen, prices *pricing.Table, workflow string, start time.Time) *builder {
	b := &builder{g: g, prices: prices, now: start, agents: map[string]*run.Span{}}
	b.r = &run.Run{TraceID: g.hexID(32), Workflow: workflow, Service: "agents"}
	b.root = &run.Span{SpanID: g.hexID(16), Name: "invoke_workflow " + workflow, Operation: "invoke_workflow", Service: "agents", Start: start, StatusCode: "Ok"}
	b.r.Spans = append(b.r.Spans, b.root)
	return b
}

// estTokens is the generator's tokenizer: 4 bytes per token, rounded up.
func estTokens(s string) int64 { return int64(len(s)+3) / 4 }

// add generates one call and returns its number.
func (b *builder) add(s spec) int {
	gap := s.gap
	if gap == 0 {
		gap = 2 * time.Second
	}
	b.now = b.now.Add(gap)
	agent := b.agents[s.agent]
	if agent == nil {
		agent = &run.Span{SpanID: b.g.hexID(16), ParentSpanID: b.root.SpanID, Name: "invoke_agent " + s.agent,
			Operation: "invoke_agent", Service: "agents", Start: b.now.Add(-time.Millisecond), StatusCode: "Ok"}
		b.agents[s.agent] = agent
		b.r.Spans = append(b.r.Spans, agent)
	}
	finish := s.finish
	if finish == "" {
		finish = "stop"
	}
	var sys string
	if s.system != "" {
		sys = mustJSON([]part{{Type: "text", Content: s.system}})
	}
	in := mustJSON(s.input)
	out := mustJSON([]msg{{Role: "assistant", Parts: []part{{Type: "text", Content: s.output}}, FinishReason: finish}})
	u := pricing.Usage{InputTokens: estTokens(s.system), OutputTokens: estTokens(s.output) + s.reasoning,
		ReasoningTokens: s.reasoning, CacheReadTokens: s.cacheRead, CacheWriteTokens: s.cacheWrite}
	for _, m := range s.input {
		u.InputTokens += 4
		for _, p := range m.Parts {
			u.InputTokens += estTokens(p.Text())
		}
	}
	if s.noUsage {
		u = pricing.Usage{}
	}
	dur := time.Duration(200+u.OutputTokens*8) * time.Millisecond
	c := &run.Call{
		SpanID: b.g.hexID(16), ParentSpanID: agent.SpanID, Timestamp: b.now, Duration: dur,
		Service: "agents", Workflow: b.r.Workflow, Agent: s.agent, Operation: "chat",
		Provider: s.provider, RequestModel: s.model, ResponseModel: s.model, Usage: u,
		FinishReasons: []string{finish}, StatusCode: "Ok", ErrorType: s.errorType,
		SystemInstructions: sys, InputMessages: in, OutputMessages: out, ContentPolicy: "full",
	}
	if s.errorType != "" {
		c.StatusCode = "Error"
		c.FinishReasons = nil
		c.OutputMessages = ""
	}
	cost := b.prices.Price(s.provider, s.model, u)
	c.Cost, c.InputCost, c.OutputCost, c.PriceStatus, c.PriceVersion = cost.Total, cost.Input, cost.Output, cost.Status, cost.Version
	if !b.noFingerprints {
		set, _ := fingerprint.FromAttributes(sys, in)
		c.PromptHash, c.PromptSimHash = hexOrEmpty(set.Prompt), set.SimHash
		c.SystemHash, c.PrefixHash = hexOrEmpty(set.System), hexOrEmpty(set.Prefix)
	}
	b.r.Calls = append(b.r.Calls, c)
	b.r.Spans = append(b.r.Spans, &run.Span{SpanID: c.SpanID, ParentSpanID: c.ParentSpanID, Name: "chat " + s.model,
		Operation: "chat", Service: "agents", Start: c.Timestamp, Duration: dur, StatusCode: c.StatusCode, Call: c})
	b.now = b.now.Add(dur)
	if end := b.now.Sub(agent.Start); end > agent.Duration {
		agent.Duration = end
	}
	return len(b.r.Calls)
}

// finish builds the run's tree and numbering.
func (b *builder) finish() *run.Run {
	b.root.Duration = b.now.Sub(b.root.Start) + time.Millisecond
	b.r.Build()
	return b.r
}

func hexOrEmpty(h uint64) string {
	if h == 0 {
		return ""
	}
	return fingerprint.FormatHex(h)
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("corpus: marshal generated content: %v", err)) // generator defect
	}
	return string(data)
}

// dropContent drops the recorded content of every call (keeping the
// fingerprints), as a processor with content policy "none" would.
func (b *builder) dropContent() {
	for _, c := range b.r.Calls {
		c.SystemInstructions, c.InputMessages, c.OutputMessages, c.ContentPolicy = "", "", "", "none"
	}
}
