package kaizenprocessor

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/metadata"
)

// Attributes written by the processor, defined once in internal/domain/genai.
const (
	AttrCostUSD       = genai.CostUSD
	AttrCostInputUSD  = genai.CostInputUSD
	AttrCostOutputUSD = genai.CostOutputUSD
	AttrPriceVersion  = genai.PriceVersion
	AttrPriceStatus   = genai.PriceStatus
	AttrPriceReason   = genai.PriceReason
	AttrPriceModel    = genai.PriceModel
	// AttrCostReported is the instrumentation's own cost; AttrCostDiffers
	// is set when it is more than 1 % (and a micro-dollar) from Kaizen's.
	AttrCostReported  = genai.CostReportedUSD
	AttrCostDiffers   = genai.CostReportedDiff
	AttrPromptHash    = genai.PromptHash
	AttrPromptSimHash = genai.PromptSimHash
	AttrSystemHash    = genai.SystemHash
	AttrPrefixHash    = genai.PrefixHash
	AttrContentPolicy = genai.ContentPolicy
	AttrRedactions    = genai.Redactions
	AttrDialect       = genai.Dialect
	AttrNormalizeErr  = genai.NormalizeError
)

type kaizenProcessor struct {
	cfg *Config
	// table is the active price table; the refresher may replace it.
	table   atomic.Pointer[pricing.Table]
	refresh *priceRefresher
	red     *redactor
	tel     *metadata.TelemetryBuilder
	logger  *zap.Logger
	policy  string
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
	p := &kaizenProcessor{cfg: cfg, red: red, tel: tel, logger: set.Logger, policy: policy}
	p.table.Store(table)
	p.refresh = &priceRefresher{cfg: cfg, active: &p.table, log: set.Logger, client: &http.Client{Timeout: time.Minute}}
	return p, nil
}

// batchStats are the counts of one batch, recorded once per batch.
type batchStats struct {
	dialects map[string]int64
	priced   map[pricing.Status]int64
	unpriced int64
	// redactions.n counts the current span's replacements.
	redactions tally
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
	for _, rs := range td.ResourceSpans().All() {
		p.redactResource(rs, &st.redactions)
		openlit := false
		if v, ok := rs.Resource().Attributes().Get("telemetry.sdk.name"); ok && v.Str() == "openlit" {
			openlit = true
		}
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				p.processSpan(span, openlit, &st)
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
	for r, n := range st.redactions.byRule {
		p.tel.ProcessorKaizenRedactions.Add(ctx, n, metric.WithAttributes(attribute.String("rule", r)))
	}
}

// isGenAISpan reports whether any attribute key belongs to a GenAI dialect.
func isGenAISpan(attrs pcommon.Map) bool {
	for k := range attrs.All() {
		if dialect.IsGenAIKey(k) {
			return true
		}
	}
	return false
}

func (p *kaizenProcessor) processSpan(span ptrace.Span, openlit bool, st *batchStats) {
	attrs := span.Attributes()
	genai := isGenAISpan(attrs)
	st.redactions.n = 0
	p.redactSpan(span, genai, &st.redactions)
	redactions := st.redactions.n
	if !genai {
		if redactions > 0 {
			attrs.PutInt(AttrRedactions, int64(redactions))
		}
		return
	}
	// Room for the attributes written below (canonical names, fingerprints,
	// price, policy), so the attribute slice grows once.
	attrs.EnsureCapacity(attrs.Len() + expectedNewAttrs)
	c := call{spanName: span.Name()}
	for k, v := range attrs.All() {
		c.collect(k, v)
	}
	c.collectEvents(span.Events())
	if openlit {
		c.mark(dialect.OpenLIT)
	}
	c.resolve()
	d := c.dialects.Main()
	writeCanonical(attrs, &c, d)
	if d != dialect.None {
		if st.dialects == nil {
			st.dialects = map[string]int64{}
		}
		st.dialects[d.String()]++
	}
	if p.cfg.Content.Policy != PolicyDrop {
		writeFingerprints(attrs, &c)
	}
	if isInference(c.operation) && !c.notInference {
		if st.pooled == nil {
			st.pooled = callsPool.Get().(*[]pendingCall)
			st.calls = (*st.pooled)[:0]
		}
		st.calls = append(st.calls, newPendingCall(st.spans, attrs, &c, span.StartTimestamp()))
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

// expectedNewAttrs is about how many attributes processSpan and the pricing
// after it add to an inference span (canonical names, fingerprints, policy,
// price and cost), so that its attribute slice grows once.
const expectedNewAttrs = 24
