package instrumentation

import (
	"context"
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// Attribute keys Kaizen records beside the semantic conventions.
const (
	// ContentTruncatedKey lists the content attributes that were shortened
	// to the configured bound.
	ContentTruncatedKey = attribute.Key("kaizen.content.truncated")
	// CaptureErrorKey describes telemetry that could not be captured (for
	// example a body larger than the parse bound), so that missing values are
	// never silent.
	CaptureErrorKey = attribute.Key("kaizen.capture.error")
)

// Recorder records inference spans and metrics with one configuration.
type Recorder struct {
	cfg     *config
	tracer  trace.Tracer
	metrics *metrics
	initErr error
}

// NewRecorder returns a Recorder for the given options. Reuse it: it holds the
// tracer and the metric instruments.
func NewRecorder(opts ...Option) *Recorder {
	cfg := newConfig(opts)
	m, err := newMetrics(cfg.meterProvider)
	return &Recorder{cfg: cfg, tracer: cfg.tracer(), metrics: m, initErr: err}
}

// Err returns the error met while creating the metric instruments, if any;
// spans are recorded regardless.
func (r *Recorder) Err() error { return r.initErr }

// Inference is one inference call in progress. End it exactly once.
type Inference struct {
	rec      *Recorder
	ctx      context.Context
	span     trace.Span
	req      *llmcall.Request
	start    time.Time
	redact   redactor
	captured []string
	problems []string
}

// StartInference starts the CLIENT span of a call described by req, named
// "{operation} {model}", with the workflow and agent names of ctx. It is a
// shortcut for NewRecorder(opts...).StartInference.
func StartInference(ctx context.Context, req Request, opts ...Option) (context.Context, *Inference) {
	return NewRecorder(opts...).StartInference(ctx, req)
}

// StartInference starts the CLIENT span of a call described by req.
func (r *Recorder) StartInference(ctx context.Context, req Request) (context.Context, *Inference) {
	return r.start(ctx, cloneRequest(req), redactor{})
}

// clientKind is made once: each trace.WithSpanKind call allocates.
var clientKind = trace.WithSpanKind(trace.SpanKindClient)

func (r *Recorder) start(ctx context.Context, req *llmcall.Request, red redactor) (context.Context, *Inference) {
	name := req.Operation
	if req.Model != "" {
		name += " " + req.Model
	}
	now := time.Now()
	ctx, span := r.tracer.Start(ctx, name,
		clientKind,
		trace.WithTimestamp(now),
		trace.WithAttributes(startAttrs(req, namesFrom(ctx))...))
	// The prompt is encoded when the call ends, with the other attributes
	// set then (see End).
	return ctx, &Inference{rec: r, ctx: ctx, span: span, req: req, start: now, redact: red}
}

// Span returns the span of the call.
func (in *Inference) Span() trace.Span { return in.span }

// End records resp (which may be nil) and err, ends the span and records the
// metrics. A non-nil err sets error.type (see [TypedError]) and an error
// status; an error that already ended the call should still be passed.
func (in *Inference) End(resp *Response, err error) {
	in.end(resp, err)
}

// end is End with the neutral call model the transport's codecs produce.
func (in *Inference) end(resp *llmcall.Response, err error) {
	span := in.span
	errType := ""
	// Every attribute goes in one SetAttributes call: the SDK grows its
	// slice per call.
	var attrs []attribute.KeyValue
	if span.IsRecording() {
		attrs = make([]attribute.KeyValue, 0, requestParamCount(in.req)+endAttrCount(resp, in.rec.cfg.captureContent))
		attrs = appendRequestParams(attrs, in.req)
		if in.rec.cfg.captureContent {
			attrs = in.appendParts(attrs, semconv.GenAISystemInstructionsKey, in.req.SystemInstructions)
			attrs = in.appendMessages(attrs, semconv.GenAIInputMessagesKey, in.req.InputMessages)
		}
		if resp != nil {
			attrs = appendResponseAttrs(attrs, resp)
			if in.rec.cfg.captureContent {
				attrs = in.appendMessages(attrs, semconv.GenAIOutputMessagesKey, resp.OutputMessages)
			}
		}
	}
	if resp != nil && resp.Usage == nil && err == nil {
		in.problem("no token usage reported")
	}
	if err != nil {
		errType = errorType(err)
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
		span.SetStatus(codes.Error, in.redact.apply(err.Error()))
	}
	if len(in.captured) > 0 {
		attrs = append(attrs, ContentTruncatedKey.StringSlice(in.captured))
	}
	if len(in.problems) > 0 {
		attrs = append(attrs, CaptureErrorKey.StringSlice(in.problems))
	}
	if len(attrs) > 0 {
		span.SetAttributes(attrs...)
	}
	end := time.Now()
	span.End(trace.WithTimestamp(end))
	in.rec.metrics.record(in.ctx, in.req, resp, errType, end.Sub(in.start).Seconds())
}

// problem notes telemetry that could not be captured.
func (in *Inference) problem(msg string) {
	in.problems = append(in.problems, in.redact.apply(msg))
}

func (in *Inference) appendParts(attrs []attribute.KeyValue, key attribute.Key, parts []llmcall.Part) []attribute.KeyValue {
	if len(parts) == 0 {
		return attrs
	}
	s, cut, err := encodeParts(parts, in.rec.cfg.maxContentBytes)
	return in.appendContent(attrs, key, s, cut, err)
}

func (in *Inference) appendMessages(attrs []attribute.KeyValue, key attribute.Key, msgs []llmcall.Message) []attribute.KeyValue {
	if len(msgs) == 0 {
		return attrs
	}
	s, cut, err := encodeMessages(msgs, in.rec.cfg.maxContentBytes)
	return in.appendContent(attrs, key, s, cut, err)
}

func (in *Inference) appendContent(attrs []attribute.KeyValue, key attribute.Key, s string, cut bool, err error) []attribute.KeyValue {
	if err != nil {
		in.problem("encode " + string(key) + ": " + err.Error())
		return attrs
	}
	if cut {
		in.captured = append(in.captured, string(key))
	}
	return append(attrs, key.String(in.redact.apply(s)))
}

// endAttrCount is the most attributes End sets, to size their slice once.
func endAttrCount(resp *llmcall.Response, capture bool) int {
	n := 3 // error.type, kaizen.content.truncated, kaizen.capture.error
	if capture {
		n += 3
	}
	if resp != nil {
		n += 4
		if u := resp.Usage; u != nil {
			for _, v := range []*int64{u.InputTokens, u.OutputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.ReasoningOutputTokens} {
				if v != nil {
					n++
				}
			}
		}
	}
	return n
}

// startAttrs returns the attributes given when the span starts: the ones
// semconv names as relevant to sampling, and the workflow and agent names.
// The request parameters are set by End, with the response, in one call.
func startAttrs(req *llmcall.Request, n names) []attribute.KeyValue {
	var buf [8]attribute.KeyValue // sized on the stack, copied once at its length
	attrs := append(buf[:0],
		semconv.GenAIOperationNameKey.String(req.Operation),
		semconv.GenAIProviderNameKey.String(req.Provider))
	if req.Model != "" {
		attrs = append(attrs, semconv.GenAIRequestModel(req.Model))
	}
	if req.ServerAddress != "" {
		attrs = append(attrs, semconv.ServerAddress(req.ServerAddress))
	}
	if req.ServerPort > 0 {
		attrs = append(attrs, semconv.ServerPort(req.ServerPort))
	}
	return slices.Clip(slices.Clone(n.appendAttrs(attrs)))
}

// requestParamCount is the number of attributes appendRequestParams adds.
func requestParamCount(req *llmcall.Request) int {
	n := 1 // stream
	for _, v := range []*int64{req.MaxTokens, req.Seed, req.ChoiceCount, req.Dimensions} {
		if v != nil {
			n++
		}
	}
	for _, v := range []*float64{req.Temperature, req.TopP, req.TopK, req.FrequencyPenalty, req.PresencePenalty} {
		if v != nil {
			n++
		}
	}
	if len(req.StopSequences) > 0 {
		n++
	}
	if len(req.EncodingFormats) > 0 {
		n++
	}
	return n
}

// appendRequestParams appends the request parameters.
func appendRequestParams(attrs []attribute.KeyValue, req *llmcall.Request) []attribute.KeyValue {
	attrs = append(attrs, semconv.GenAIRequestStreamKey.Bool(req.Stream))
	attrs = appendInt(attrs, semconv.GenAIRequestMaxTokensKey, req.MaxTokens)
	attrs = appendInt(attrs, semconv.GenAIRequestSeedKey, req.Seed)
	attrs = appendInt(attrs, semconv.GenAIRequestChoiceCountKey, req.ChoiceCount)
	attrs = appendInt(attrs, semconv.GenAIEmbeddingsDimensionCountKey, req.Dimensions)
	attrs = appendFloat(attrs, semconv.GenAIRequestTemperatureKey, req.Temperature)
	attrs = appendFloat(attrs, semconv.GenAIRequestTopPKey, req.TopP)
	attrs = appendFloat(attrs, semconv.GenAIRequestTopKKey, req.TopK)
	attrs = appendFloat(attrs, semconv.GenAIRequestFrequencyPenaltyKey, req.FrequencyPenalty)
	attrs = appendFloat(attrs, semconv.GenAIRequestPresencePenaltyKey, req.PresencePenalty)
	if len(req.StopSequences) > 0 {
		attrs = append(attrs, semconv.GenAIRequestStopSequences(req.StopSequences...))
	}
	if len(req.EncodingFormats) > 0 {
		attrs = append(attrs, semconv.GenAIRequestEncodingFormats(req.EncodingFormats...))
	}
	return attrs
}

func appendResponseAttrs(attrs []attribute.KeyValue, resp *llmcall.Response) []attribute.KeyValue {
	if resp.ID != "" {
		attrs = append(attrs, semconv.GenAIResponseID(resp.ID))
	}
	if resp.Model != "" {
		attrs = append(attrs, semconv.GenAIResponseModel(resp.Model))
	}
	if len(resp.FinishReasons) > 0 {
		attrs = append(attrs, semconv.GenAIResponseFinishReasons(resp.FinishReasons...))
	}
	if resp.TimeToFirstChunk > 0 {
		attrs = append(attrs, semconv.GenAIResponseTimeToFirstChunk(resp.TimeToFirstChunk.Seconds()))
	}
	if u := resp.Usage; u != nil {
		attrs = appendInt(attrs, semconv.GenAIUsageInputTokensKey, u.InputTokens)
		attrs = appendInt(attrs, semconv.GenAIUsageOutputTokensKey, u.OutputTokens)
		attrs = appendInt(attrs, semconv.GenAIUsageCacheReadInputTokensKey, u.CacheReadInputTokens)
		attrs = appendInt(attrs, semconv.GenAIUsageCacheCreationInputTokensKey, u.CacheCreationInputTokens)
		attrs = appendInt(attrs, semconv.GenAIUsageReasoningOutputTokensKey, u.ReasoningOutputTokens)
	}
	return attrs
}

func appendInt(attrs []attribute.KeyValue, k attribute.Key, v *int64) []attribute.KeyValue {
	if v == nil {
		return attrs
	}
	return append(attrs, k.Int64(*v))
}

func appendFloat(attrs []attribute.KeyValue, k attribute.Key, v *float64) []attribute.KeyValue {
	if v == nil {
		return attrs
	}
	return append(attrs, k.Float64(*v))
}
