package kaizenprocessor

import (
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Dialects recognized by the processor (value of kaizen.dialect).
const (
	dialectSemconv       = "semconv"
	dialectSemconvLegacy = "semconv_legacy"
	dialectOpenLLMetry   = "openllmetry"
	dialectOpenInference = "openinference"
	dialectOpenLIT       = "openlit"
	dialectVercel        = "vercel_ai"
)

// token classes of a call.
const (
	tokIn = iota
	tokOut
	tokCacheRead
	tokCacheWrite
	tokCacheWrite1h
	tokReasoning
	numTok
)

// call is what the dialect readers extract from one span, before it is
// written back as canonical attributes.
type call struct {
	dialects   uint8 // bit set of dialect ids
	operation  string
	provider   string
	reqModel   string
	respModel  string
	tokens     [numTok]int64
	hasTok     [numTok]bool
	badTok     []string // keys whose token value could not be read
	system     string   // gen_ai.system_instructions JSON
	input      string   // gen_ai.input.messages JSON
	output     string   // gen_ai.output.messages JSON
	finish     []string
	workflow   string
	agent      string
	tool       string
	toolArgs   string
	toolResult string
	batch      bool
	// consumed lists source keys mapped to canonical attributes.
	consumed []string
	// indexed messages of OpenLLMetry and OpenInference.
	inMsgs, outMsgs indexedMessages
	// Vercel and legacy raw content converted at the end.
	rawInput, rawOutput, rawSystem string
	spanName                       string
	// dialect-specific span kinds, resolved in resolveOperation.
	traceloopKind, entityName, oiKind, vercelOp  string
	oiInputValue, oiOutputValue                  string
	vercelPromptKey, vercelToolCalls, functionID string
	notInference                                 bool
}

var dialectNames = [...]string{dialectSemconv, dialectSemconvLegacy, dialectOpenLLMetry, dialectOpenInference, dialectOpenLIT, dialectVercel}

func (c *call) mark(d string) {
	for i, n := range dialectNames {
		if n == d {
			c.dialects |= 1 << i
		}
	}
}

func (c *call) is(d string) bool {
	for i, n := range dialectNames {
		if n == d {
			return c.dialects&(1<<i) != 0
		}
	}
	return false
}

// dialect returns the most specific dialect seen (framework dialects win
// over the semconv attributes they also emit).
func (c *call) dialect() string {
	for _, d := range []string{dialectOpenInference, dialectVercel, dialectOpenLLMetry, dialectOpenLIT, dialectSemconvLegacy, dialectSemconv} {
		if c.is(d) {
			return d
		}
	}
	return ""
}

func (c *call) consume(k string) { c.consumed = append(c.consumed, k) }

// setStr sets *dst from a string-ish value if *dst is empty.
func setStr(dst *string, v pcommon.Value) {
	if *dst == "" {
		*dst = valueString(v)
	}
}

// valueString renders any attribute value as a string.
func valueString(v pcommon.Value) string {
	if v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return v.AsString()
}

// setTok records a token count from an int, integral double or numeric
// string; other values are recorded as bad (never silently dropped).
func (c *call) setTok(class int, key string, v pcommon.Value) {
	if c.hasTok[class] {
		return
	}
	var n int64
	ok := true
	switch v.Type() {
	case pcommon.ValueTypeInt:
		n = v.Int()
	case pcommon.ValueTypeDouble:
		f := v.Double()
		ok = f == math.Trunc(f) && math.Abs(f) < 1<<62
		n = int64(f)
	case pcommon.ValueTypeStr:
		var err error
		n, err = strconv.ParseInt(strings.TrimSpace(v.Str()), 10, 64)
		ok = err == nil
	default:
		ok = false
	}
	if !ok {
		c.badTok = append(c.badTok, key)
		return
	}
	c.tokens[class], c.hasTok[class] = n, true
}

// operationAliases maps dialect operation values to gen_ai.operation.name.
var operationAliases = map[string]string{
	"chat": "chat", "completion": "text_completion", "text_completion": "text_completion",
	"embedding": "embeddings", "embeddings": "embeddings", "generate_content": "generate_content",
	"agent": "invoke_agent", "invoke_agent": "invoke_agent", "create_agent": "create_agent",
	"workflow": "invoke_workflow", "invoke_workflow": "invoke_workflow", "tool": "execute_tool",
	"execute_tool": "execute_tool", "retrieve": "retrieval", "retrieval": "retrieval",
}

// isInference reports operations that are one model call (priced).
func isInference(op string) bool {
	switch op {
	case "chat", "text_completion", "generate_content", "embeddings":
		return true
	}
	return false
}
