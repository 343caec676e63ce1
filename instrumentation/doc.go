// Package instrumentation turns every LLM call made by a Go program into an
// OpenTelemetry GenAI span that follows the semantic conventions in
// go.opentelemetry.io/otel/semconv/v1.41.0.
//
// The main entry point is [NewTransport], an http.RoundTripper that wraps the
// HTTP client of any SDK (openai-go, google.golang.org/genai,
// anthropic-sdk-go, langchaingo, plain net/http) and recognizes OpenAI
// compatible Chat Completions, Completions, Embeddings and Responses calls,
// Gemini generateContent, streamGenerateContent and embedContent calls (Gemini
// API and Vertex AI paths) and Anthropic Messages calls. Each recognized call
// becomes one CLIENT span named "{gen_ai.operation.name} {gen_ai.request.model}"
// carrying the request parameters, the response identity, exact token usage
// (input totals include cached tokens, output totals include reasoning
// tokens) and, unless disabled, the prompt and completion content. Streaming
// responses are observed as they pass through: no byte is held back.
//
// [StartWorkflow], [StartAgent] and [StartTool] create the surrounding
// invoke_workflow, invoke_agent and execute_tool spans; their names travel in
// the context and are copied to every inference span beneath them as
// gen_ai.workflow.name and gen_ai.agent.name.
//
// [StartInference] records a call made without HTTP (local models, custom
// gateways) with the same attributes.
//
// The package depends on the OpenTelemetry API only. Install an SDK
// TracerProvider (globally or with [WithTracerProvider]) to export spans.
package instrumentation
