package kaizenprocessor

import (
	"encoding/json"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
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

// attrStream marks a streamed call, written for the dialects that say it otherwise.
const attrStream = genai.RequestStream

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
	dialect.InputTokens:      genai.InputTokens,
	dialect.OutputTokens:     genai.OutputTokens,
	dialect.CacheReadTokens:  genai.CacheReadTokens,
	dialect.CacheWriteTokens: genai.CacheCreateTokens,
	dialect.ReasoningTokens:  genai.ReasoningTokens,
}

// writeCanonical writes the canonical semconv v1.41 attributes derived from
// the call, and kaizen.dialect when d is not None. Attributes the span
// already has are never overwritten.
func writeCanonical(attrs pcommon.Map, c *call, d dialect.Dialect) {
	if c.operation != "" {
		// Unlike the other attributes, a dialect alias such as "embedding"
		// is replaced by its canonical value.
		if v, ok := attrs.Get(genai.Operation); !ok || v.Str() != c.operation {
			attrs.PutStr(genai.Operation, c.operation)
		}
	}
	putStr(attrs, genai.Provider, c.provider)
	putStr(attrs, genai.RequestModel, c.reqModel)
	putStr(attrs, genai.ResponseModel, c.respModel)
	for class, k := range tokenKeys {
		if k == "" || !c.hasTok[class] {
			continue
		}
		if v, ok := attrs.Get(k); !ok || v.Type() != pcommon.ValueTypeInt {
			attrs.PutInt(k, c.tokens[class])
		}
	}
	putStr(attrs, genai.SystemInstructions, c.system)
	putStr(attrs, genai.InputMessages, c.input)
	putStr(attrs, genai.OutputMessages, c.output)
	if _, ok := attrs.Get(genai.FinishReasons); !ok && len(c.finish) > 0 {
		s := attrs.PutEmptySlice(genai.FinishReasons)
		for _, f := range c.finish {
			s.AppendEmpty().SetStr(f)
		}
	}
	if _, ok := attrs.Get(attrStream); !ok && c.stream {
		attrs.PutBool(attrStream, true)
	}
	putStr(attrs, genai.Workflow, c.workflow)
	putStr(attrs, genai.Agent, c.agent)
	putStr(attrs, genai.Tool, c.tool)
	if c.operation == "execute_tool" {
		putStr(attrs, genai.ToolCallArguments, c.toolArgs)
		putStr(attrs, genai.ToolCallResult, c.toolResult)
	}
	if d != dialect.None {
		attrs.PutStr(AttrDialect, d.String())
	}
	if len(c.badTok) > 0 {
		attrs.PutStr(AttrNormalizeErr, "unreadable token count in "+strings.Join(c.badTok, ", "))
	}
}
