package kaizenprocessor

import (
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/metadata"
)

// Attributes written by the processor (see ARCHITECTURE.md).
const (
	AttrCostUSD       = "kaizen.cost.usd"
	AttrCostInputUSD  = "kaizen.cost.input_usd"
	AttrCostOutputUSD = "kaizen.cost.output_usd"
	AttrPriceVersion  = "kaizen.price.version"
	AttrPriceStatus   = "kaizen.price.status"
	AttrPriceReason   = "kaizen.price.reason"
	AttrPriceModel    = "kaizen.price.model"
	AttrPromptHash    = "kaizen.prompt.hash"
	AttrPromptSimHash = "kaizen.prompt.simhash"
	AttrSystemHash    = "kaizen.system.hash"
	AttrPrefixHash    = "kaizen.prefix.hash"
	AttrContentPolicy = "kaizen.content.policy"
	AttrRedactions    = "kaizen.content.redactions"
	AttrDialect       = "kaizen.dialect"
	AttrNormalizeErr  = "kaizen.normalize.error"
)

type kaizenProcessor struct {
	cfg    *Config
	table  *pricing.Table
	red    *redactor
	tel    *metadata.TelemetryBuilder
	logger *zap.Logger
	policy string
}

func newKaizenProcessor(set processor.Settings, cfg *Config) (*kaizenProcessor, error) {
	table, red, err := cfg.build()
	if err != nil {
		return nil, fmt.Errorf("kaizen processor config: %w", err)
	}
	tel, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("kaizen processor telemetry: %w", err)
	}
	policy := cfg.policyValue()
	set.Logger.Info("kaizen processor ready", zap.String("price_version", table.Version()),
		zap.String("content_policy", policy))
	return &kaizenProcessor{cfg: cfg, table: table, red: red, tel: tel, logger: set.Logger, policy: policy}, nil
}

// batchStats are the counts of one batch, recorded once per batch.
type batchStats struct {
	dialects   map[string]int64
	priced     map[pricing.Status]int64
	unpriced   int64
	redactions map[string]int64
	needNames  bool
	// spans counts the spans visited; calls are the inference spans, priced
	// after the batch walk (wrappers are not priced).
	spans  int
	calls  []pendingCall
	pooled *[]pendingCall // st.calls's pool entry, nil until the first call
}

// callsPool recycles the batches' pendingCall slices.
var callsPool = sync.Pool{New: func() any { return new([]pendingCall) }}

func (p *kaizenProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	var st batchStats
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		openlit := false
		if v, ok := rs.Resource().Attributes().Get("telemetry.sdk.name"); ok && v.Str() == "openlit" {
			openlit = true
		}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				p.processSpan(spans.At(k), openlit, &st)
				st.spans++
			}
		}
	}
	if st.needNames || len(st.calls) > 1 {
		idx := newBatchIndex(td, st.calls)
		if len(st.calls) > 1 {
			markWrappers(idx, st.calls)
		}
		if st.needNames {
			inheritNames(idx)
		}
	}
	for i := range st.calls {
		if !st.calls[i].wrapper {
			p.price(&st.calls[i], &st)
		}
	}
	p.record(ctx, &st)
	if st.pooled != nil {
		clear(st.calls) // drop the references to this batch's spans
		*st.pooled = st.calls[:0]
		callsPool.Put(st.pooled)
	}
	return td, nil
}

func (p *kaizenProcessor) record(ctx context.Context, st *batchStats) {
	for d, n := range st.dialects {
		p.tel.ProcessorKaizenSpansNormalized.Add(ctx, n, metric.WithAttributes(attribute.String("dialect", d)))
	}
	for s, n := range st.priced {
		p.tel.ProcessorKaizenSpansPriced.Add(ctx, n, metric.WithAttributes(attribute.String("status", string(s))))
	}
	if st.unpriced > 0 {
		p.tel.ProcessorKaizenSpansUnpriced.Add(ctx, st.unpriced)
	}
	for r, n := range st.redactions {
		p.tel.ProcessorKaizenRedactions.Add(ctx, n, metric.WithAttributes(attribute.String("rule", r)))
	}
}

// isGenAISpan reports whether any attribute key belongs to a GenAI dialect.
func isGenAISpan(attrs pcommon.Map) bool {
	genai := false
	attrs.Range(func(k string, _ pcommon.Value) bool {
		genai = isGenAIKey(k)
		return !genai
	})
	return genai
}

func (p *kaizenProcessor) processSpan(span ptrace.Span, openlit bool, st *batchStats) {
	attrs := span.Attributes()
	if !isGenAISpan(attrs) {
		return
	}
	// Room for the attributes written below (canonical names, fingerprints,
	// price, policy), so the attribute slice grows once.
	attrs.EnsureCapacity(attrs.Len() + expectedNewAttrs)
	redactions := p.redactSpan(span, st)
	c := call{spanName: span.Name()}
	attrs.Range(func(k string, v pcommon.Value) bool {
		c.collect(k, v)
		return true
	})
	c.collectEvents(span.Events())
	if openlit {
		c.mark(dialectOpenLIT)
	}
	c.resolve()
	d := c.dialect()
	writeCanonical(attrs, &c, d)
	if d != "" {
		if st.dialects == nil {
			st.dialects = map[string]int64{}
		}
		st.dialects[d]++
	}
	if p.cfg.Content.Policy != PolicyDrop {
		writeFingerprints(attrs, &c)
	}
	if isInference(c.operation) && !c.notInference {
		if st.pooled == nil {
			st.pooled = callsPool.Get().(*[]pendingCall)
			st.calls = (*st.pooled)[:0]
		}
		st.calls = append(st.calls, newPendingCall(st.spans, attrs, &c))
	}
	p.applyPolicy(attrs, span.Events())
	attrs.PutStr(AttrContentPolicy, p.policy)
	if redactions > 0 {
		attrs.PutInt(AttrRedactions, int64(redactions))
	}
	if !p.cfg.KeepOriginalAttributes {
		for _, k := range c.consumed {
			attrs.Remove(k)
		}
	}
	if c.agent == "" || c.workflow == "" {
		st.needNames = true
	}
}

// redactSpan runs the redaction rules over every string attribute of the
// span and its events and returns the number of replacements.
func (p *kaizenProcessor) redactSpan(span ptrace.Span, st *batchStats) int {
	if !p.red.enabled() {
		return 0
	}
	n := 0
	count := func(rule string) {
		n++
		if st.redactions == nil {
			st.redactions = map[string]int64{}
		}
		st.redactions[rule]++
	}
	p.redactMap(span.Attributes(), count, 0)
	evs := span.Events()
	for i := 0; i < evs.Len(); i++ {
		p.redactMap(evs.At(i).Attributes(), count, 0)
	}
	return n
}

// expectedNewAttrs is about how many attributes processSpan adds to a
// semconv inference span.
const expectedNewAttrs = 14

// maxNesting bounds recursion into nested map/slice attribute values.
const maxNesting = 16

func (p *kaizenProcessor) redactMap(m pcommon.Map, count func(string), depth int) {
	m.Range(func(k string, v pcommon.Value) bool {
		p.redactValue(v, depth > 0 || !skipPresets(k), count, depth)
		return true
	})
}

// skipPresets reports whether the preset scanners may skip key's value:
// attributes whose values are identifiers from a small vocabulary
// (operation, provider, model, span kind). Custom rules still run on them.
// Content attributes are never in this list. A switch, not a map: no
// hashing of every attribute key.
func skipPresets(k string) bool {
	switch k {
	case "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.system",
		"gen_ai.request.model", "gen_ai.response.model", "gen_ai.output.type",
		"llm.request.type", "llm.model_name", "llm.provider", "llm.system",
		"openinference.span.kind", "traceloop.span.kind", "ai.model.id", "ai.model.provider":
		return true
	}
	return false
}

func (p *kaizenProcessor) redactValue(v pcommon.Value, presets bool, count func(string), depth int) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if s := v.Str(); s != "" {
			if r := p.red.redact(s, presets, count); r != s {
				v.SetStr(r)
			}
		}
	case pcommon.ValueTypeSlice:
		if depth >= maxNesting {
			v.SetStr("[REDACTED:too_deep]")
			return
		}
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			p.redactValue(s.At(i), true, count, depth+1)
		}
	case pcommon.ValueTypeMap:
		if depth >= maxNesting {
			v.SetStr("[REDACTED:too_deep]")
			return
		}
		p.redactMap(v.Map(), count, depth+1)
	case pcommon.ValueTypeBytes:
		if b := v.Bytes().AsRaw(); len(b) > 0 {
			if r := p.red.redact(string(b), true, count); r != string(b) {
				v.SetStr(r)
			}
		}
	}
}
