package kaizenprocessor

import (
	"encoding/json"
	"strings"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// resolve turns dialect-specific facts into canonical values.
func (c *call) resolve() {
	c.resolveOperation()
	c.provider = pricing.CanonicalProvider(c.provider)
	if c.input == "" {
		switch {
		case len(c.inMsgs) > 0:
			c.input = genai.EncodeMessages(c.inMsgs.messages())
		case c.vercelPrompt:
			c.readVercelPrompt(c.rawInput)
		case c.rawInput != "":
			c.input = convertMessages(c.rawInput, "user")
		case c.oiInputValue != "" && isInference(c.operation):
			c.input = convertMessages(c.oiInputValue, "user")
		}
	}
	if c.system == "" && c.rawSystem != "" {
		c.system = systemParts(c.rawSystem)
	}
	if c.output == "" {
		switch {
		case len(c.outMsgs) > 0:
			c.output = genai.EncodeMessages(c.outMsgs.messages())
		case c.rawOutput != "" || c.vercelToolCalls != "":
			c.output = c.assistantOutput()
		case c.oiOutputValue != "" && isInference(c.operation):
			c.output = convertMessages(c.oiOutputValue, "assistant")
		}
	}
	if c.operation == "execute_tool" && c.is(dialect.OpenInference) {
		setIfEmpty(&c.toolArgs, c.oiInputValue)
		setIfEmpty(&c.toolResult, c.oiOutputValue)
	}
}

func (c *call) resolveOperation() {
	switch {
	case c.oiKind != "":
		switch c.oiKind {
		case "LLM":
			c.setOp("chat")
		case "EMBEDDING":
			c.setOp("embeddings")
		case "AGENT":
			c.setOp("invoke_agent")
			setIfEmpty(&c.agent, c.spanName)
		case "TOOL":
			c.setOp("execute_tool")
			setIfEmpty(&c.tool, c.spanName)
		case "RETRIEVER":
			c.setOp("retrieval")
		}
	case c.vercelOp != "":
		op := c.vercelOp
		switch {
		case strings.HasSuffix(op, ".doGenerate") || strings.HasSuffix(op, ".doStream"):
			c.setOp("chat")
		case strings.HasSuffix(op, ".doEmbed"):
			c.setOp("embeddings")
		case op == "ai.toolCall":
			c.setOp("execute_tool")
		case op == "ai.generateText" || op == "ai.streamText" || op == "ai.generateObject" || op == "ai.streamObject":
			c.setOp("invoke_agent")
			setIfEmpty(&c.agent, c.functionID)
		case op == "ai.embed" || op == "ai.embedMany":
			c.notInference = true
		}
	case c.traceloopKind != "":
		switch c.traceloopKind {
		case "workflow":
			c.setOp("invoke_workflow")
			setIfEmpty(&c.workflow, c.entityName)
		case "agent":
			c.setOp("invoke_agent")
			setIfEmpty(&c.agent, c.entityName)
		case "tool":
			c.setOp("execute_tool")
			setIfEmpty(&c.tool, c.entityName)
		}
	}
	if a, ok := dialect.CanonicalOperation(c.operation); ok {
		c.operation = a
	}
	if c.operation == "" && !c.notInference && c.traceloopKind == "" && (c.reqModel != "" || c.respModel != "") {
		c.operation = "chat"
	}
}

func (c *call) setOp(op string) {
	if c.operation == "" {
		c.operation = op
	}
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// readVercelPrompt reads ai.prompt: {"system": …, "prompt": …, "messages": […]}.
func (c *call) readVercelPrompt(raw string) {
	var p struct {
		System   string          `json:"system"`
		Prompt   json.RawMessage `json:"prompt"`
		Messages json.RawMessage `json:"messages"`
	}
	if json.Unmarshal([]byte(raw), &p) != nil {
		c.input = genai.TextMessages("user", raw)
		return
	}
	if p.System != "" {
		c.rawSystem = p.System
	}
	var s string
	switch {
	case len(p.Messages) > 0 && string(p.Messages) != "null":
		c.input = convertMessages(string(p.Messages), "user")
	case json.Unmarshal(p.Prompt, &s) == nil:
		c.input = genai.TextMessages("user", s)
	case len(p.Prompt) > 0:
		c.input = convertMessages(string(p.Prompt), "user")
	}
}

// assistantOutput builds gen_ai.output.messages from response text and tool calls.
func (c *call) assistantOutput() string {
	t := strings.TrimSpace(c.rawOutput)
	if strings.HasPrefix(t, "[") && c.vercelToolCalls == "" && !c.is(dialect.Vercel) {
		return convertMessages(c.rawOutput, "assistant")
	}
	m := genai.Message{Role: "assistant", Parts: []genai.Part{}}
	if len(c.finish) > 0 {
		m.FinishReason = c.finish[0]
	}
	if c.rawOutput != "" {
		m.Parts = append(m.Parts, genai.Part{Type: "text", Content: c.rawOutput})
	}
	var calls []struct {
		ToolCallID string          `json:"toolCallId"`
		ToolName   string          `json:"toolName"`
		Args       json.RawMessage `json:"args"`
		Input      json.RawMessage `json:"input"`
	}
	if c.vercelToolCalls != "" && json.Unmarshal([]byte(c.vercelToolCalls), &calls) == nil {
		for _, tc := range calls {
			args := tc.Args
			if len(args) == 0 || string(args) == "null" {
				args = tc.Input
			}
			if string(args) == "null" {
				args = nil
			}
			m.Parts = append(m.Parts, genai.Part{Type: "tool_call", ID: tc.ToolCallID, Name: tc.ToolName, Arguments: args})
		}
	}
	return genai.EncodeMessages([]genai.Message{m})
}
