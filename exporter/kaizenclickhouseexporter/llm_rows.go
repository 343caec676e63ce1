package kaizenclickhouseexporter

import (
	"time"

	"github.com/shopspring/decimal"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// llmRows holds validated llm_calls rows column by column.
type llmRows struct {
	timestamp                                                         []time.Time
	traceID, spanID, parentSpanID, serviceName                        []string
	workflow, agent, operation, provider                              []string
	requestModel, responseModel                                       []string
	inputTokens, outputTokens, cacheRead, cacheWrite, reasoningTokens []uint64
	cost, inputCost, outputCost                                       []decimal.Decimal
	reportedCost                                                      []*decimal.Decimal
	priceVersion, priceStatus                                         []string
	duration, timeToFirstChunk                                        []uint64
	stream                                                            []bool
	finishReasons                                                     [][]string
	statusCode, errorType                                             []string
	systemInstructions, inputMessages, outputMessages                 []string
	contentPolicy, promptHash                                         []string
	promptSimHash                                                     []uint64
	systemHash, prefixHash                                            []string
	ids                                                               idHash
}

// columns returns the column slices in schema.LLMCallColumns order.
func (r *llmRows) columns() []any {
	return []any{
		r.timestamp, r.traceID, r.spanID, r.parentSpanID, r.serviceName, r.workflow, r.agent,
		r.operation, r.provider, r.requestModel, r.responseModel,
		r.inputTokens, r.outputTokens, r.cacheRead, r.cacheWrite, r.reasoningTokens,
		r.cost, r.inputCost, r.outputCost, r.reportedCost, r.priceVersion, r.priceStatus,
		r.duration, r.timeToFirstChunk, r.stream, r.finishReasons, r.statusCode, r.errorType,
		r.systemInstructions, r.inputMessages, r.outputMessages, r.contentPolicy,
		r.promptHash, r.promptSimHash, r.systemHash, r.prefixHash,
	}
}

func (r *llmRows) len() int { return len(r.traceID) }

// grow presizes every column for n rows.
func (r *llmRows) grow(n int) {
	r.timestamp = make([]time.Time, 0, n)
	for _, c := range []*[]string{&r.traceID, &r.spanID, &r.parentSpanID, &r.serviceName, &r.workflow, &r.agent,
		&r.operation, &r.provider, &r.requestModel, &r.responseModel, &r.priceVersion, &r.priceStatus,
		&r.statusCode, &r.errorType, &r.systemInstructions, &r.inputMessages, &r.outputMessages,
		&r.contentPolicy, &r.promptHash, &r.systemHash, &r.prefixHash} {
		*c = make([]string, 0, n)
	}
	for _, c := range []*[]uint64{&r.inputTokens, &r.outputTokens, &r.cacheRead, &r.cacheWrite, &r.reasoningTokens,
		&r.duration, &r.timeToFirstChunk, &r.promptSimHash} {
		*c = make([]uint64, 0, n)
	}
	r.cost, r.inputCost, r.outputCost = make([]decimal.Decimal, 0, n), make([]decimal.Decimal, 0, n), make([]decimal.Decimal, 0, n)
	r.reportedCost = make([]*decimal.Decimal, 0, n)
	r.stream = make([]bool, 0, n)
	r.finishReasons = make([][]string, 0, n)
}

// money is a Decimal(18, 12) value: exact pico-dollars.
func money(u pricing.USD) decimal.Decimal { return decimal.New(u.Pico(), -12) }

// costs is the price of one call as written to llm_calls.
type costs struct {
	total, input, output pricing.USD
	status               string
}

// readCosts reads the processor's kaizen.cost.* and kaizen.price.status.
// A call the processor did not price (no status) is unpriced with zero
// cost; a status claiming a price without a readable cost is downgraded to
// unpriced and counted, so a call is never silently priced at $0.
func (s *sanitizer) readCosts(span ptrace.Span) costs {
	attrs := span.Attributes()
	c := costs{status: s.text(attrs, genai.PriceStatus)}
	switch c.status {
	case statusPriced, statusPartial:
		total, ok := s.cost(attrs, genai.CostPico, genai.CostUSD)
		if !ok {
			if _, present := attrs.Get(genai.CostUSD); !present {
				s.note(reasonBadGenAIValue)
			}
			return costs{status: statusUnpriced}
		}
		c.total = total
		c.input, _ = s.cost(attrs, genai.CostInputPico, genai.CostInputUSD)
		c.output, _ = s.cost(attrs, genai.CostOutputPico, genai.CostOutputUSD)
		return c
	case "", statusUnpriced:
		return costs{status: statusUnpriced}
	default:
		s.note(reasonBadGenAIValue)
		return costs{status: statusUnpriced}
	}
}

// add appends the call row of an inference span. Its workflow and agent
// are the span's own: the processor gives calls the names of their
// ancestors.
func (r *llmRows) add(s *sanitizer, sc *spanContext, span ptrace.Span) {
	a := span.Attributes()
	r.ids.add(span.TraceID(), span.SpanID())
	c := s.readCosts(span)

	r.timestamp = append(r.timestamp, span.StartTimestamp().AsTime())
	r.traceID = append(r.traceID, span.TraceID().String())
	r.spanID = append(r.spanID, span.SpanID().String())
	r.parentSpanID = append(r.parentSpanID, span.ParentSpanID().String())
	r.serviceName = append(r.serviceName, sc.serviceName)
	r.workflow = append(r.workflow, s.text(a, genai.Workflow))
	r.agent = append(r.agent, s.text(a, genai.Agent))
	r.operation = append(r.operation, s.text(a, genai.Operation))
	r.provider = append(r.provider, s.text(a, genai.Provider))
	r.requestModel = append(r.requestModel, s.text(a, genai.RequestModel))
	r.responseModel = append(r.responseModel, s.text(a, genai.ResponseModel))
	r.inputTokens = append(r.inputTokens, s.count(a, genai.InputTokens))
	r.outputTokens = append(r.outputTokens, s.count(a, genai.OutputTokens))
	r.cacheRead = append(r.cacheRead, s.count(a, genai.CacheReadTokens))
	r.cacheWrite = append(r.cacheWrite, s.count(a, genai.CacheCreateTokens, genai.CacheWriteTokens))
	r.reasoningTokens = append(r.reasoningTokens, s.count(a, genai.ReasoningTokens))
	r.cost = append(r.cost, money(c.total))
	r.inputCost = append(r.inputCost, money(c.input))
	r.outputCost = append(r.outputCost, money(c.output))
	r.reportedCost = append(r.reportedCost, s.reportedCost(a))
	r.priceVersion = append(r.priceVersion, s.text(a, genai.PriceVersion))
	r.priceStatus = append(r.priceStatus, c.status)
	r.duration = append(r.duration, durationNanos(span))
	r.timeToFirstChunk = append(r.timeToFirstChunk, s.seconds(a, genai.TimeToFirstChunk))
	r.stream = append(r.stream, s.flag(a, genai.RequestStream))
	r.finishReasons = append(r.finishReasons, s.list(a, genai.FinishReasons))
	r.statusCode = append(r.statusCode, s.statusCode(span.Status().Code()))
	r.errorType = append(r.errorType, s.text(a, genai.ErrorType))
	r.systemInstructions = append(r.systemInstructions, s.text(a, genai.SystemInstructions))
	r.inputMessages = append(r.inputMessages, s.text(a, genai.InputMessages))
	r.outputMessages = append(r.outputMessages, s.text(a, genai.OutputMessages))
	r.contentPolicy = append(r.contentPolicy, s.text(a, genai.ContentPolicy))
	r.promptHash = append(r.promptHash, s.text(a, genai.PromptHash))
	r.promptSimHash = append(r.promptSimHash, s.simHash(a))
	r.systemHash = append(r.systemHash, s.text(a, genai.SystemHash))
	r.prefixHash = append(r.prefixHash, s.text(a, genai.PrefixHash))
}

// reportedCost is the instrumentation's own cost of the call, nil when it
// reported none (or an unreadable one, which is counted).
func (s *sanitizer) reportedCost(attrs pcommon.Map) *decimal.Decimal {
	if _, ok := attrs.Get(genai.CostReportedUSD); !ok {
		return nil
	}
	u, ok := s.usd(attrs, genai.CostReportedUSD)
	if !ok {
		return nil
	}
	d := money(u)
	return &d
}

// cost reads a cost as the processor writes it: exact integer pico-dollars
// when present, else the double (other processors, older spans).
func (s *sanitizer) cost(attrs pcommon.Map, picoKey, usdKey string) (pricing.USD, bool) {
	if v, ok := attrs.Get(picoKey); ok && v.Type() == pcommon.ValueTypeInt && v.Int() >= 0 {
		return pricing.USD(v.Int()), true
	}
	return s.usd(attrs, usdKey)
}
