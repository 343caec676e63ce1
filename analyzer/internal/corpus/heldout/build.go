package heldout

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/tokencount"
	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Dialect is how a run's content is shaped when stored.
type Dialect int

const (
	// Semconv stores gen_ai.system_instructions parts and messages with parts.
	Semconv Dialect = iota
	// OpenInference is what the processor makes of llm.input_messages.N:
	// the system prompt is the first input message, one part per message.
	OpenInference
	// OpenLLMetry is the legacy gen_ai.prompt.N shape stored as
	// [{"role","content"}] without parts.
	OpenLLMetry
)

// message is one generated input message.
type message struct {
	role  string
	parts []string
}

func user(parts ...string) message { return message{"user", parts} }
func bot(parts ...string) message  { return message{"assistant", parts} }
func tool(text string) message     { return message{"tool", []string{text}} }

// call describes one call to generate.
type call struct {
	agent, provider, model string
	system                 string
	msgs                   []message
	output                 string
	finish, errType        string
	noUsage                bool
	reasoning              int64
	cacheRead, cacheWrite  int64
	gap                    time.Duration
}

// builder assembles one run.
type builder struct {
	g       *rng
	prices  *pricing.Table
	r       *run.Run
	dialect Dialect
	noFP    bool
	now     time.Time
	root    *run.Span
	agents  map[string]*run.Span
}

func newBuilder(g *rng, prices *pricing.Table, workflow string, start time.Time, d Dialect) *builder {
	b := &builder{g: g, prices: prices, dialect: d, now: start, agents: map[string]*run.Span{}}
	b.r = &run.Run{TraceID: g.hex(16) + g.hex(16), Workflow: workflow, Service: "crew"}
	b.root = &run.Span{SpanID: g.hex(16), Name: "invoke_workflow " + workflow, Operation: "invoke_workflow", Service: "crew", Start: start, StatusCode: "Ok"}
	b.r.Spans = append(b.r.Spans, b.root)
	return b
}

// tokens is what the provider would report for text: the tokenizer's
// count, 12 % more for non-OpenAI models (their tokenizers split English
// finer than o200k_base).
func tokens(provider, model, text string) int64 {
	enc, _ := tokencount.EncodingFor(provider, model)
	n := tokencount.Count(enc, text)
	if provider != "openai" {
		n = n * 112 / 100
	}
	return n
}

// inputTokens is the call's reported input: every part plus 4 tokens of
// framing per message.
func (c call) inputTokens() int64 {
	n := tokens(c.provider, c.model, c.system)
	if c.system != "" {
		n += 4
	}
	for _, m := range c.msgs {
		n += 4
		for _, p := range m.parts {
			n += tokens(c.provider, c.model, p)
		}
	}
	return n
}

func (c call) usage() pricing.Usage {
	if c.noUsage {
		return pricing.Usage{}
	}
	return pricing.Usage{InputTokens: c.inputTokens(), OutputTokens: tokens(c.provider, c.model, c.output) + c.reasoning,
		ReasoningTokens: c.reasoning, CacheReadTokens: c.cacheRead, CacheWriteTokens: c.cacheWrite}
}

// inputPrice is the price of n input tokens of c's model.
func (b *builder) inputPrice(c call, n int64) pricing.USD {
	return b.prices.Price(c.provider, c.model, pricing.Usage{InputTokens: n}).Total
}

// add generates one call and returns its number and cost.
func (b *builder) add(c call) (int, pricing.USD) {
	gap := c.gap
	if gap == 0 {
		gap = 1500 * time.Millisecond
	}
	b.now = b.now.Add(gap)
	ag := b.agents[c.agent]
	if ag == nil {
		ag = &run.Span{SpanID: b.g.hex(16), ParentSpanID: b.root.SpanID, Name: "invoke_agent " + c.agent, Operation: "invoke_agent",
			Agent: c.agent, Service: "crew", Start: b.now.Add(-time.Millisecond), StatusCode: "Ok"}
		b.agents[c.agent] = ag
		b.r.Spans = append(b.r.Spans, ag)
	}
	finish := c.finish
	if finish == "" {
		finish = "stop"
	}
	u := c.usage()
	sys, in, out := b.render(c, finish)
	dur := time.Duration(300+u.OutputTokens*6) * time.Millisecond
	rc := &run.Call{SpanID: b.g.hex(16), ParentSpanID: ag.SpanID, Timestamp: b.now, Duration: dur, Service: "crew",
		Workflow: b.r.Workflow, Agent: c.agent, Operation: "chat", Provider: c.provider, RequestModel: c.model, ResponseModel: c.model,
		Usage: u, FinishReasons: []string{finish}, StatusCode: "Ok", SystemInstructions: sys, InputMessages: in, OutputMessages: out, ContentPolicy: "full"}
	if c.errType != "" {
		rc.StatusCode, rc.ErrorType, rc.FinishReasons, rc.OutputMessages = "Error", c.errType, nil, ""
	}
	cost := b.prices.Price(c.provider, c.model, u)
	rc.Cost, rc.InputCost, rc.OutputCost, rc.PriceStatus, rc.PriceVersion = cost.Total, cost.Input, cost.Output, cost.Status, cost.Version
	if !b.noFP {
		set, _ := fingerprint.FromAttributes(sys, in)
		if set.Prompt != 0 {
			rc.PromptHash = fingerprint.FormatHex(set.Prompt)
		}
		rc.PromptSimHash = set.SimHash
	}
	b.r.Calls = append(b.r.Calls, rc)
	b.r.Spans = append(b.r.Spans, &run.Span{SpanID: rc.SpanID, ParentSpanID: ag.SpanID, Name: "chat " + c.model, Operation: "chat",
		Service: "crew", Start: rc.Timestamp, Duration: dur, StatusCode: rc.StatusCode, Call: rc})
	b.now = b.now.Add(dur)
	if d := b.now.Sub(ag.Start); d > ag.Duration {
		ag.Duration = d
	}
	return len(b.r.Calls), cost.Total
}

// render encodes the call's content in the builder's dialect.
func (b *builder) render(c call, finish string) (sys, in, out string) {
	type (
		part = genai.Part
		msg  = genai.Message
	)
	// legacy is OpenLLMetry's message shape, without parts.
	type legacy struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	toPart := func(role, text string) part {
		if role == "tool" {
			raw, _ := json.Marshal(text)
			if t := strings.TrimSpace(text); json.Valid([]byte(t)) && (t[0] == '{' || t[0] == '[') {
				raw = json.RawMessage(t)
			}
			return part{Type: "tool_call_response", Response: raw}
		}
		return part{Type: "text", Content: text}
	}
	switch b.dialect {
	case OpenLLMetry:
		var ms []legacy
		if c.system != "" {
			ms = append(ms, legacy{"system", c.system})
		}
		for _, m := range c.msgs {
			ms = append(ms, legacy{m.role, strings.Join(m.parts, "\n\n")})
		}
		return "", encode(ms), encode([]legacy{{"assistant", c.output}})
	case OpenInference:
		var ms []msg
		if c.system != "" {
			ms = append(ms, msg{Role: "system", Parts: []part{{Type: "text", Content: c.system}}})
		}
		for _, m := range c.msgs {
			ms = append(ms, msg{Role: m.role, Parts: []part{toPart(m.role, strings.Join(m.parts, "\n\n"))}})
		}
		return "", encode(ms), encode([]msg{{Role: "assistant", Parts: []part{{Type: "text", Content: c.output}}, FinishReason: finish}})
	}
	if c.system != "" {
		sys = encode([]part{{Type: "text", Content: c.system}})
	}
	var ms []msg
	for _, m := range c.msgs {
		mm := msg{Role: m.role}
		for _, p := range m.parts {
			mm.Parts = append(mm.Parts, toPart(m.role, p))
		}
		ms = append(ms, mm)
	}
	return sys, encode(ms), encode([]msg{{Role: "assistant", Parts: []part{{Type: "text", Content: c.output}}, FinishReason: finish}})
}

func encode(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("heldout: marshal generated content: %v", err)) // generator defect, not input
	}
	return string(data)
}

func (b *builder) finish() *run.Run {
	b.root.Duration = b.now.Sub(b.root.Start) + time.Millisecond
	b.r.Build()
	return b.r
}
