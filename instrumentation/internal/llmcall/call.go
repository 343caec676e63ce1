package llmcall

import "time"

// Request describes one inference call as it is sent.
type Request struct {
	// Operation is gen_ai.operation.name, for example "chat".
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

	// SystemInstructions and InputMessages are the prompt, filled when
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
	// OutputMessages is the completion, filled when content capture is on.
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

// Sum returns a pointer to the sum of the reported token counts, or nil when
// none of them was reported, so that an absent count never becomes 0.
func Sum(vals ...*int64) *int64 {
	var total int64
	seen := false
	for _, v := range vals {
		if v != nil {
			total += *v
			seen = true
		}
	}
	if !seen {
		return nil
	}
	return &total
}
