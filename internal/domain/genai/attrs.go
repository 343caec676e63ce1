package genai

import semconv "go.opentelemetry.io/otel/semconv/v1.41.0"

// Semantic-convention attributes of GenAI spans.
const (
	Operation          = string(semconv.GenAIOperationNameKey)
	Provider           = string(semconv.GenAIProviderNameKey)
	RequestModel       = string(semconv.GenAIRequestModelKey)
	ResponseModel      = string(semconv.GenAIResponseModelKey)
	RequestStream      = string(semconv.GenAIRequestStreamKey)
	InputTokens        = string(semconv.GenAIUsageInputTokensKey)
	OutputTokens       = string(semconv.GenAIUsageOutputTokensKey)
	CacheReadTokens    = string(semconv.GenAIUsageCacheReadInputTokensKey)
	CacheCreateTokens  = string(semconv.GenAIUsageCacheCreationInputTokensKey)
	ReasoningTokens    = string(semconv.GenAIUsageReasoningOutputTokensKey)
	FinishReasons      = string(semconv.GenAIResponseFinishReasonsKey)
	TimeToFirstChunk   = string(semconv.GenAIResponseTimeToFirstChunkKey)
	SystemInstructions = string(semconv.GenAISystemInstructionsKey)
	InputMessages      = string(semconv.GenAIInputMessagesKey)
	OutputMessages     = string(semconv.GenAIOutputMessagesKey)
	Workflow           = string(semconv.GenAIWorkflowNameKey)
	Agent              = string(semconv.GenAIAgentNameKey)
	Tool               = string(semconv.GenAIToolNameKey)
	ToolCallArguments  = string(semconv.GenAIToolCallArgumentsKey)
	ToolCallResult     = string(semconv.GenAIToolCallResultKey)
	ErrorType          = string(semconv.ErrorTypeKey)
)

// Attributes of the semantic-conventions-genai repository that semconv
// v1.41 does not define yet.
const (
	// CacheWriteTokens is the later name of CacheCreateTokens.
	CacheWriteTokens    = "gen_ai.usage.cache_write.input_tokens"
	CacheCreate1hTokens = "gen_ai.usage.cache_creation.1h.input_tokens"
	CacheWrite1hTokens  = "gen_ai.usage.cache_write.1h.input_tokens"
	RequestBatch        = "gen_ai.request.batch"
)

// Attributes the kaizen processor writes.
const (
	CostUSD         = "kaizen.cost.usd"
	CostInputUSD    = "kaizen.cost.input_usd"
	CostOutputUSD   = "kaizen.cost.output_usd"
	CostReportedUSD = "kaizen.cost.reported_usd"
	// CostPico, CostInputPico and CostOutputPico are the same costs as
	// exact integer pico-dollars, which readers prefer to the doubles.
	CostPico         = "kaizen.cost.pico"
	CostInputPico    = "kaizen.cost.input_pico"
	CostOutputPico   = "kaizen.cost.output_pico"
	CostReportedDiff = "kaizen.cost.reported_differs"
	PriceVersion     = "kaizen.price.version"
	PriceStatus      = "kaizen.price.status"
	PriceReason      = "kaizen.price.reason"
	PriceModel       = "kaizen.price.model"
	PromptHash       = "kaizen.prompt.hash"
	PromptSimHash    = "kaizen.prompt.simhash"
	SystemHash       = "kaizen.system.hash"
	PrefixHash       = "kaizen.prefix.hash"
	ContentPolicy    = "kaizen.content.policy"
	Redactions       = "kaizen.content.redactions"
	Dialect          = "kaizen.dialect"
	NormalizeError   = "kaizen.normalize.error"
	// CallWrapper marks an inference span that wraps another span of the
	// same call; CallInnerSpanID names that span, which is the call.
	CallWrapper     = "kaizen.call.wrapper"
	CallInnerSpanID = "kaizen.call.inner_span_id"
	// RequestBatchKaizen is Kaizen instrumentation's own batch flag.
	RequestBatchKaizen = "kaizen.request.batch"
)
