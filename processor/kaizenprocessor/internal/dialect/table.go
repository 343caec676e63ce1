package dialect

// attrs maps every attribute key a dialect defines one by one to the field
// it carries. Keys shared by several dialects name no dialect: they say
// nothing about where a span comes from.
var attrs = map[string]Attr{
	// OTel GenAI semconv v1.37+ (v1.41 names), and the renames of the
	// semantic-conventions-genai repository.
	"gen_ai.provider.name":                        {Provider, Semconv, false},
	"gen_ai.operation.name":                       {Operation, None, false},
	"gen_ai.request.model":                        {RequestModel, None, false},
	"gen_ai.response.model":                       {ResponseModel, None, false},
	"gen_ai.usage.input_tokens":                   {InputTokens, None, false},
	"gen_ai.usage.output_tokens":                  {OutputTokens, None, false},
	"gen_ai.usage.cache_read.input_tokens":        {CacheReadTokens, Semconv, false},
	"gen_ai.usage.cache_creation.input_tokens":    {CacheWriteTokens, Semconv, false},
	"gen_ai.usage.cache_write.input_tokens":       {CacheWriteTokens, Semconv, true},
	"gen_ai.usage.cache_creation.1h.input_tokens": {CacheWrite1hTokens, None, false},
	"gen_ai.usage.cache_write.1h.input_tokens":    {CacheWrite1hTokens, None, false},
	"gen_ai.usage.reasoning.output_tokens":        {ReasoningTokens, Semconv, false},
	"gen_ai.system_instructions":                  {SystemInstructions, Semconv, false},
	"gen_ai.input.messages":                       {InputMessages, Semconv, false},
	"gen_ai.output.messages":                      {OutputMessages, Semconv, false},
	"gen_ai.response.finish_reasons":              {FinishReasons, None, false},
	"gen_ai.agent.name":                           {Agent, None, false},
	"gen_ai.workflow.name":                        {Workflow, None, false},
	"gen_ai.tool.name":                            {Tool, None, false},
	"gen_ai.request.batch":                        {Batch, None, false},
	"gen_ai.request.stream":                       {Stream, None, false},
	"kaizen.request.batch":                        {Batch, None, false},

	// Older semconv (v1.26–v1.36), also emitted by OpenLLMetry and OpenLIT.
	"gen_ai.system":                  {Provider, SemconvLegacy, true},
	"gen_ai.usage.prompt_tokens":     {InputTokens, SemconvLegacy, true},
	"gen_ai.usage.completion_tokens": {OutputTokens, SemconvLegacy, true},
	"gen_ai.prompt":                  {RawInput, SemconvLegacy, true},
	"gen_ai.completion":              {RawOutput, SemconvLegacy, true},

	// OpenLIT.
	"gen_ai.application_name":  {Marker, OpenLIT, false},
	"gen_ai.environment":       {Marker, OpenLIT, false},
	"gen_ai.endpoint":          {Marker, OpenLIT, false},
	"gen_ai.usage.cost":        {ReportedCost, OpenLIT, false},
	"gen_ai.request.is_stream": {Stream, OpenLIT, true},
	// OpenLIT Go.
	"gen_ai.usage.cache.read_input_tokens": {CacheReadTokens, OpenLIT, true},
	"gen_ai.content.prompt":                {RawInput, OpenLIT, true},
	"gen_ai.content.completion":            {RawOutput, OpenLIT, true},

	// OpenLLMetry (Traceloop).
	"llm.usage.prompt_tokens":                  {InputTokens, OpenLLMetry, true},
	"llm.usage.completion_tokens":              {OutputTokens, OpenLLMetry, true},
	"gen_ai.usage.cache_read_input_tokens":     {CacheReadTokens, OpenLLMetry, true},
	"llm.usage.cache_read_input_tokens":        {CacheReadTokens, OpenLLMetry, true},
	"gen_ai.usage.cache_creation_input_tokens": {CacheWriteTokens, OpenLLMetry, true},
	"llm.usage.cache_creation_input_tokens":    {CacheWriteTokens, OpenLLMetry, true},
	"llm.usage.reasoning_tokens":               {ReasoningTokens, OpenLLMetry, true},
	"gen_ai.usage.reasoning_tokens":            {ReasoningTokens, OpenLLMetry, true},
	"llm.usage.total_tokens":                   {Marker, OpenLLMetry, false},
	"llm.is_streaming":                         {Stream, OpenLLMetry, true},
	"traceloop.entity.path":                    {Marker, OpenLLMetry, false},
	"traceloop.association.properties":         {Marker, OpenLLMetry, false},
	"llm.request.type":                         {OperationAlias, OpenLLMetry, true},
	"traceloop.span.kind":                      {SpanKind, OpenLLMetry, true},
	"traceloop.entity.name":                    {EntityName, OpenLLMetry, false},
	"traceloop.workflow.name":                  {Workflow, OpenLLMetry, true},

	// OpenInference (Arize).
	"openinference.span.kind":                      {OIKind, OpenInference, true},
	"llm.model_name":                               {RequestModel, OpenInference, true},
	"embedding.model_name":                         {RequestModel, OpenInference, true},
	"llm.provider":                                 {Provider, OpenInference, true},
	"llm.system":                                   {Provider, OpenInference, true},
	"llm.token_count.prompt":                       {InputTokens, OpenInference, true},
	"llm.token_count.completion":                   {OutputTokens, OpenInference, true},
	"llm.token_count.prompt_details.cache_read":    {CacheReadTokens, OpenInference, true},
	"llm.token_count.prompt_details.cache_write":   {CacheWriteTokens, OpenInference, true},
	"llm.token_count.completion_details.reasoning": {ReasoningTokens, OpenInference, true},
	"llm.invocation_parameters":                    {OIInvocation, OpenInference, false},
	"llm.cost.total":                               {ReportedCost, OpenInference, false},
	"input.value":                                  {OIInputValue, None, false},
	"output.value":                                 {OIOutputValue, None, false},
	"tool.name":                                    {Tool, None, false},
	"agent.name":                                   {Agent, None, false},

	// Vercel AI SDK telemetry.
	"operation.name":             {VercelOperationKey, None, false},
	"ai.operationId":             {VercelOperation, Vercel, true},
	"ai.telemetry.functionId":    {VercelFunctionID, Vercel, true},
	"ai.model.id":                {RequestModel, Vercel, true},
	"ai.model.provider":          {Provider, Vercel, true},
	"ai.response.model":          {ResponseModel, Vercel, true},
	"ai.usage.promptTokens":      {InputTokens, Vercel, true},
	"ai.usage.inputTokens":       {InputTokens, Vercel, true},
	"ai.usage.tokens":            {InputTokens, Vercel, true},
	"ai.usage.completionTokens":  {OutputTokens, Vercel, true},
	"ai.usage.outputTokens":      {OutputTokens, Vercel, true},
	"ai.usage.cachedInputTokens": {CacheReadTokens, Vercel, true},
	"ai.usage.reasoningTokens":   {ReasoningTokens, Vercel, true},
	"ai.prompt":                  {VercelPrompt, Vercel, true},
	"ai.value":                   {RawInput, Vercel, true},
	"ai.values":                  {RawInput, Vercel, true},
	"ai.prompt.messages":         {VercelMessages, Vercel, true},
	"ai.response.text":           {RawOutput, Vercel, true},
	"ai.response.object":         {RawOutput, Vercel, true},
	"ai.response.toolCalls":      {VercelToolCalls, Vercel, true},
	"ai.response.finishReason":   {FinishReasons, Vercel, true},
	"ai.toolCall.name":           {Tool, Vercel, true},
	"ai.toolCall.args":           {ToolArguments, Vercel, true},
	"ai.toolCall.result":         {ToolResult, Vercel, true},
}

type messagePrefix struct {
	prefix  string
	output  bool
	dialect Dialect
}

// messagePrefixes are the flattened message keys.
var messagePrefixes = []messagePrefix{
	{"gen_ai.prompt.", false, OpenLLMetry},
	{"gen_ai.completion.", true, OpenLLMetry},
	{"llm.input_messages.", false, OpenInference},
	{"llm.output_messages.", true, OpenInference},
}

type markerPrefix struct {
	prefix  string
	dialect Dialect
}

// markerPrefixes reveal a dialect by a key's prefix alone.
var markerPrefixes = []markerPrefix{
	{"ai.", Vercel},
	{"llm.token_count.", OpenInference},
	{"llm.invocation_parameters", OpenInference},
}

// genAIPrefixes are the key prefixes of the GenAI dialects, by first byte.
var genAIPrefixes = map[byte]string{
	'g': "gen_ai.", 'l': "llm.", 't': "traceloop.", 'o': "openinference.", 'a': "ai.", 'e': "embedding.model_name",
}

// operations maps the dialects' operation words to gen_ai.operation.name.
var operations = map[string]string{
	"chat": "chat", "completion": "text_completion", "text_completion": "text_completion",
	"embedding": "embeddings", "embeddings": "embeddings", "generate_content": "generate_content",
	"agent": "invoke_agent", "invoke_agent": "invoke_agent", "create_agent": "create_agent",
	"workflow": "invoke_workflow", "invoke_workflow": "invoke_workflow", "tool": "execute_tool",
	"execute_tool": "execute_tool", "retrieve": "retrieval", "retrieval": "retrieval",
}

// contentKeys are the attributes that carry prompt or completion text, in
// any dialect, span or event.
var contentKeys = map[string]bool{
	"gen_ai.system_instructions": true, "gen_ai.input.messages": true, "gen_ai.output.messages": true,
	"gen_ai.prompt": true, "gen_ai.completion": true, "gen_ai.content.prompt": true, "gen_ai.content.completion": true,
	"gen_ai.tool.call.arguments": true, "gen_ai.tool.call.result": true, "gen_ai.retrieval.documents": true,
	"gen_ai.retrieval.query.text": true, "input.value": true, "output.value": true,
	"ai.prompt": true, "ai.prompt.messages": true, "ai.response.text": true, "ai.response.object": true,
	"ai.response.toolCalls": true, "ai.toolCall.args": true, "ai.toolCall.result": true, "ai.value": true, "ai.values": true,
	"traceloop.entity.input": true, "traceloop.entity.output": true,
	"content": true, "message": true, "gen_ai.event.content": true,
}

// flatContentPrefixes are the flattened keys whose content, text and
// arguments fields carry content.
var flatContentPrefixes = []string{"gen_ai.prompt.", "gen_ai.completion.", "llm.input_messages.", "llm.output_messages.", "llm.prompts", "embedding.embeddings."}

// identifierKeys are the attributes whose values come from a small
// vocabulary of names.
var identifierKeys = map[string]bool{
	"gen_ai.operation.name": true, "gen_ai.provider.name": true, "gen_ai.system": true,
	"gen_ai.request.model": true, "gen_ai.response.model": true, "gen_ai.output.type": true,
	"llm.request.type": true, "llm.model_name": true, "llm.provider": true, "llm.system": true,
	"openinference.span.kind": true, "traceloop.span.kind": true, "ai.model.id": true, "ai.model.provider": true,
}
