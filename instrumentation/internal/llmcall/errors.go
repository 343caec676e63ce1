package llmcall

import "cmp"

// Values of error.type that the codecs report; the public package documents
// them as its ErrorType constants.
const (
	ErrorTypeInvalidResponse = "invalid_response"
	ErrorTypeOther           = "_OTHER"
)

// Error is an error with a fixed error.type.
type Error struct {
	Type    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// ErrorType returns the error.type value of e.
func (e *Error) ErrorType() string { return e.Type }

// ProviderError is an error the provider reported inside a response or a
// stream (OpenAI and Anthropic "type", Gemini "status").
type ProviderError struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func (e *ProviderError) Error() string {
	return "provider error: " + e.ErrorType() + ": " + e.Message
}

// ErrorType returns the provider's error type or status.
func (e *ProviderError) ErrorType() string {
	return cmp.Or(e.Type, e.Status, ErrorTypeOther)
}
