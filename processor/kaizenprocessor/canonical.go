package kaizenprocessor

import (
	"encoding/json"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// putStr sets a canonical string attribute unless the span already has it.
func putStr(attrs pcommon.Map, k, v string) {
	if v == "" {
		return
	}
	if _, ok := attrs.Get(k); !ok {
		attrs.PutStr(k, v)
	}
}

// attrStream marks a streamed call: the key Kaizen's instrumentation and
// the exporter use, written for the dialects that say it otherwise.
const attrStream = "gen_ai.request.stream"

// invocationStreams reports whether OpenInference invocation parameters
// ({"model": …, "stream": true, …}) asked for a streamed response.
func invocationStreams(params string) bool {
	if !strings.Contains(params, "stream") {
		return false
	}
	var p struct {
		Stream bool `json:"stream"`
	}
	return json.Unmarshal([]byte(params), &p) == nil && p.Stream
}

// tokenKeys are the canonical usage attributes by token field (the 1-hour
// cache write has none: it is a part of the cache write count).
var tokenKeys = [dialect.NumTokenFields]string{
	dialect.InputTokens:      "gen_ai.usage.input_tokens",
	dialect.OutputTokens:     "gen_ai.usage.output_tokens",
	dialect.CacheReadTokens:  "gen_ai.usage.cache_read.input_tokens",
	dialect.CacheWriteTokens: "gen_ai.usage.cache_creation.input_tokens",
	dialect.ReasoningTokens:  "gen_ai.usage.reasoning.output_tokens",
}

// writeCanonical writes the canonical semconv v1.41 attributes derived from
// the call, and kaizen.dialect when d is not None. Attributes the span
// already has are never overwritten.
func writeCanonical(attrs pcommon.Map, c *call, d dialect.Dialect) {
	if c.operation != "" {
		// Unlike the other attributes, a dialect alias such as "embedding"
		// is replaced by its canonical value.
		if v, ok := attrs.Get("gen_ai.operation.name"); !ok || v.Str() != c.operation {
			attrs.PutStr("gen_ai.operation.name", c.operation)
		}
	}
	putStr(attrs, "gen_ai.provider.name", c.provider)
	putStr(attrs, "gen_ai.request.model", c.reqModel)
	putStr(attrs, "gen_ai.response.model", c.respModel)
	for class, k := range tokenKeys {
		if k == "" || !c.hasTok[class] {
			continue
		}
		if v, ok := attrs.Get(k); !ok || v.Type() != pcommon.ValueTypeInt {
			attrs.PutInt(k, c.tokens[class])
		}
	}
	putStr(attrs, "gen_ai.system_instructions", c.system)
	putStr(attrs, "gen_ai.input.messages", c.input)
	putStr(attrs, "gen_ai.output.messages", c.output)
	if _, ok := attrs.Get("gen_ai.response.finish_reasons"); !ok && len(c.finish) > 0 {
		s := attrs.PutEmptySlice("gen_ai.response.finish_reasons")
		for _, f := range c.finish {
			s.AppendEmpty().SetStr(f)
		}
	}
	if _, ok := attrs.Get(attrStream); !ok && c.stream {
		attrs.PutBool(attrStream, true)
	}
	putStr(attrs, "gen_ai.workflow.name", c.workflow)
	putStr(attrs, "gen_ai.agent.name", c.agent)
	putStr(attrs, "gen_ai.tool.name", c.tool)
	if c.operation == "execute_tool" {
		putStr(attrs, "gen_ai.tool.call.arguments", c.toolArgs)
		putStr(attrs, "gen_ai.tool.call.result", c.toolResult)
	}
	if d != dialect.None {
		attrs.PutStr(AttrDialect, d.String())
	}
	if len(c.badTok) > 0 {
		attrs.PutStr(AttrNormalizeErr, "unreadable token count in "+strings.Join(c.badTok, ", "))
	}
}
