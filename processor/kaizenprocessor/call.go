package kaizenprocessor

import (
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// tokenCounts are a call's token counts, indexed by the dialect token field.
type tokenCounts [dialect.NumTokenFields]int64

// call is what the dialect readers extract from one span, before it is
// written back as canonical attributes.
type call struct {
	dialects   dialect.Set
	operation  string
	provider   string
	reqModel   string
	respModel  string
	tokens     tokenCounts
	hasTok     [dialect.NumTokenFields]bool
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
	stream     bool
	// reported is the instrumentation\'s own cost (hasReported: one was readable).
	reported    pricing.USD
	hasReported bool
	// consumed lists source keys mapped to canonical attributes.
	consumed []string
	// indexed messages of OpenLLMetry and OpenInference.
	inMsgs, outMsgs indexedMessages
	// Raw content in a dialect's shape, converted in resolve.
	rawInput, rawOutput, rawSystem string
	// vercelPrompt: rawInput is Vercel's {system, prompt, messages} object.
	vercelPrompt bool
	spanName     string
	// dialect-specific span kinds, resolved in resolveOperation.
	traceloopKind, entityName, oiKind, vercelOp string
	oiInputValue, oiOutputValue                 string
	vercelToolCalls, functionID                 string
	notInference                                bool
}

func (c *call) mark(d dialect.Dialect) { c.dialects = c.dialects.Add(d) }

func (c *call) is(d dialect.Dialect) bool { return c.dialects.Has(d) }

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
func (c *call) setTok(class dialect.Field, key string, v pcommon.Value) {
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

// isInference reports operations that are one model call (priced).
func isInference(op string) bool { return genai.IsInference(op) }
