package instrumentation

import "github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"

// Operation names of inference calls, as defined by the GenAI semantic
// conventions (gen_ai.operation.name).
const (
	OperationChat            = "chat"
	OperationTextCompletion  = "text_completion"
	OperationEmbeddings      = "embeddings"
	OperationGenerateContent = "generate_content"
)

// Request describes one inference call as it is sent: filled by the
// transport for HTTP calls and by the caller of [StartInference] otherwise.
// It is the call model the provider codecs fill, so the two cannot differ.
type Request = llmcall.Request

// Response describes the outcome of one inference call.
type Response = llmcall.Response

// Usage holds token counts in the semantic-convention sense: InputTokens
// includes cached (read and written) input tokens and OutputTokens includes
// reasoning tokens. A nil field was not reported by the provider.
type Usage = llmcall.Usage

// Int returns a pointer to v, for the optional fields of [Request] and [Usage].
func Int(v int64) *int64 { return &v }

// Float returns a pointer to v, for the optional fields of [Request].
func Float(v float64) *float64 { return &v }
