package detect

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// tc describes one hand-built call.
type tc struct {
	agent, provider, model string
	system                 string
	input                  [][]string // messages: first element is the role, then parts
	output                 string
	finish, errType        string
	in, out, cacheRead     int64 // tokens; 0 = len/4
	reasoning              int64
	gap                    time.Duration
}

func u(parts ...string) []string    { return append([]string{"user"}, parts...) }
func asst(parts ...string) []string { return append([]string{"assistant"}, parts...) }

// build makes a run from calls, priced with the default table.
func build(calls ...tc) *run.Run {
	r := &run.Run{TraceID: strings.Repeat("ab", 16)}
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	for i, c := range calls {
		gap := c.gap
		if gap == 0 {
			gap = time.Second
		}
		now = now.Add(gap)
		var msgs []map[string]any
		var inBytes int
		for _, m := range c.input {
			var parts []map[string]string
			for _, p := range m[1:] {
				parts = append(parts, map[string]string{"type": "text", "content": p})
				inBytes += len(p)
			}
			msgs = append(msgs, map[string]any{"role": m[0], "parts": parts})
		}
		in, _ := json.Marshal(msgs)
		out, _ := json.Marshal([]map[string]any{{"role": "assistant", "parts": []map[string]string{{"type": "text", "content": c.output}}, "finish_reason": "stop"}})
		sys := ""
		if c.system != "" {
			b, _ := json.Marshal([]map[string]string{{"type": "text", "content": c.system}})
			sys = string(b)
		}
		usage := pricing.Usage{InputTokens: c.in, OutputTokens: c.out, CacheReadTokens: c.cacheRead, ReasoningTokens: c.reasoning}
		if usage.InputTokens == 0 {
			usage.InputTokens = int64(inBytes+len(c.system))/4 + 1
		}
		if usage.OutputTokens == 0 {
			usage.OutputTokens = int64(len(c.output))/4 + 1 + c.reasoning
		}
		provider, model := c.provider, c.model
		if provider == "" {
			provider, model = "openai", "gpt-4o"
		}
		agent := c.agent
		if agent == "" {
			agent = "agent"
		}
		call := &run.Call{SpanID: fmt.Sprintf("%016x", i+1), ParentSpanID: "p-" + agent, Timestamp: now, Agent: agent,
			Operation: "chat", Provider: provider, RequestModel: model, Usage: usage, StatusCode: "Ok",
			SystemInstructions: sys, InputMessages: string(in), OutputMessages: string(out), FinishReasons: []string{"stop"}}
		if c.finish != "" {
			call.FinishReasons = []string{c.finish}
		}
		if c.errType != "" {
			call.ErrorType, call.StatusCode = c.errType, "Error"
		}
		call.Cost = pricing.Default().Price(provider, model, usage).Total
		r.Calls = append(r.Calls, call)
	}
	r.Build()
	return r
}

// doc returns n bytes of text about a subject; texts of different
// subjects share no word 3-shingle.
func doc(subject string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "The %sitem %d covers %srule %d and %sclause %d. ", subject, i, subject, i*7, subject, i*13)
	}
	return b.String()
}

// found returns the findings of type t as call lists.
func found(fs []run.Finding, t run.Type) [][]int {
	var out [][]int
	for _, f := range fs {
		if f.Type == t {
			out = append(out, f.Calls)
		}
	}
	return out
}

func formatHex(h uint64) string { return fmt.Sprintf("%016x", h) }
