package instrumentation

import (
	"time"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// Operation names of inference calls, as defined by the GenAI semantic
// conventions (gen_ai.operation.name).
const (
	OperationChat            = "chat"
	OperationTextCompletion  = "text_completion"
	OperationEmbeddings      = "embeddings"
	OperationGenerateContent = "generate_content"
)

// Request describes one inference call as it is sent. It is filled by the
// transport for HTTP calls and by the caller of [StartInference] otherwise.
type Request struct {
	// Operation is gen_ai.operation.name, for example OperationChat.
	Operation string
	// Provider is gen_ai.provider.name, for example "openai".
	Provider string
	// Model is gen_ai.request.model.
	Model string
	// ServerAddress and ServerPort are server.address and server.port.
	ServerAddress string
	ServerPort    int
	// Stream is gen_ai.request.stream.
	Stream bool

	// Optional request parameters; nil means not set by the caller.
	MaxTokens        *int64
	Temperature      *float64
	TopP             *float64
	TopK             *float64
	FrequencyPenalty *float64
	PresencePenalty  *float64
	Seed             *int64
	ChoiceCount      *int64
	StopSequences    []string
	EncodingFormats  []string
	// Dimensions is gen_ai.embeddings.dimension.count when requested.
	Dimensions *int64

	// SystemInstructions and InputMessages are the prompt, recorded when
	// content capture is on.
	SystemInstructions []Part
	InputMessages      []Message
}

// Response describes the outcome of one inference call.
type Response struct {
	// ID is gen_ai.response.id.
	ID string
	// Model is gen_ai.response.model.
	Model string
	// FinishReasons is gen_ai.response.finish_reasons, one per choice, as the
	// provider reported them.
	FinishReasons []string
	// Usage is the token usage; nil when the provider reported none.
	Usage *Usage
	// OutputMessages is the completion, recorded when content capture is on.
	OutputMessages []Message
	// TimeToFirstChunk is gen_ai.response.time_to_first_chunk for streamed
	// responses; zero when unknown.
	TimeToFirstChunk time.Duration
}

// Usage holds token counts in the semantic-convention sense: InputTokens
// includes cached (read and written) input tokens and OutputTokens includes
// reasoning tokens. A nil field was not reported by the provider.
type Usage struct {
	InputTokens              *int64
	OutputTokens             *int64
	CacheReadInputTokens     *int64
	CacheCreationInputTokens *int64
	ReasoningOutputTokens    *int64
}

// Int returns a pointer to v, for the optional fields of [Request] and [Usage].
func Int(v int64) *int64 { return &v }

// Float returns a pointer to v, for the optional fields of [Request].
func Float(v float64) *float64 { return &v }

// call returns the neutral call model that spans are recorded from.
func (r *Request) call() *llmcall.Request {
	return &llmcall.Request{
		Operation: r.Operation, Provider: r.Provider, Model: r.Model,
		ServerAddress: r.ServerAddress, ServerPort: r.ServerPort, Stream: r.Stream,
		MaxTokens: r.MaxTokens, Temperature: r.Temperature, TopP: r.TopP, TopK: r.TopK,
		FrequencyPenalty: r.FrequencyPenalty, PresencePenalty: r.PresencePenalty,
		Seed: r.Seed, ChoiceCount: r.ChoiceCount, StopSequences: r.StopSequences,
		EncodingFormats: r.EncodingFormats, Dimensions: r.Dimensions,
		SystemInstructions: callParts(r.SystemInstructions),
		InputMessages:      callMessages(r.InputMessages),
	}
}

// call returns the neutral call model of r, nil when r is nil.
func (r *Response) call() *llmcall.Response {
	if r == nil {
		return nil
	}
	out := &llmcall.Response{
		ID: r.ID, Model: r.Model, FinishReasons: r.FinishReasons,
		OutputMessages: callMessages(r.OutputMessages), TimeToFirstChunk: r.TimeToFirstChunk,
	}
	if r.Usage != nil {
		u := llmcall.Usage(*r.Usage)
		out.Usage = &u
	}
	return out
}
