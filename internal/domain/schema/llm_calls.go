package schema

// Columns of llm_calls. TestLLMCallColumns checks LLMCallColumns against the
// columns the migrations create, so writers and readers that name columns
// through these cannot drift from the table.
const (
	CallTimestamp          = "Timestamp"
	CallTraceID            = "TraceId"
	CallSpanID             = "SpanId"
	CallParentSpanID       = "ParentSpanId"
	CallServiceName        = "ServiceName"
	CallWorkflow           = "Workflow"
	CallAgent              = "Agent"
	CallOperation          = "Operation"
	CallProvider           = "Provider"
	CallRequestModel       = "RequestModel"
	CallResponseModel      = "ResponseModel"
	CallInputTokens        = "InputTokens"
	CallOutputTokens       = "OutputTokens"
	CallCacheReadTokens    = "CacheReadTokens"
	CallCacheWriteTokens   = "CacheWriteTokens"
	CallReasoningTokens    = "ReasoningTokens"
	CallCostUSD            = "CostUSD"
	CallInputCostUSD       = "InputCostUSD"
	CallOutputCostUSD      = "OutputCostUSD"
	CallReportedCostUSD    = "ReportedCostUSD"
	CallPriceVersion       = "PriceVersion"
	CallPriceStatus        = "PriceStatus"
	CallDuration           = "Duration"
	CallTimeToFirstChunk   = "TimeToFirstChunk"
	CallStream             = "Stream"
	CallFinishReasons      = "FinishReasons"
	CallStatusCode         = "StatusCode"
	CallErrorType          = "ErrorType"
	CallSystemInstructions = "SystemInstructions"
	CallInputMessages      = "InputMessages"
	CallOutputMessages     = "OutputMessages"
	CallContentPolicy      = "ContentPolicy"
	CallPromptHash         = "PromptHash"
	CallPromptSimHash      = "PromptSimHash"
	CallSystemHash         = "SystemHash"
	CallPrefixHash         = "PrefixHash"
)

// LLMCallColumns lists every llm_calls column in table order, as the
// exporter inserts them.
var LLMCallColumns = []string{
	CallTimestamp, CallTraceID, CallSpanID, CallParentSpanID, CallServiceName, CallWorkflow, CallAgent,
	CallOperation, CallProvider, CallRequestModel, CallResponseModel,
	CallInputTokens, CallOutputTokens, CallCacheReadTokens, CallCacheWriteTokens, CallReasoningTokens,
	CallCostUSD, CallInputCostUSD, CallOutputCostUSD, CallReportedCostUSD, CallPriceVersion, CallPriceStatus,
	CallDuration, CallTimeToFirstChunk, CallStream, CallFinishReasons, CallStatusCode, CallErrorType,
	CallSystemInstructions, CallInputMessages, CallOutputMessages, CallContentPolicy,
	CallPromptHash, CallPromptSimHash, CallSystemHash, CallPrefixHash,
}
