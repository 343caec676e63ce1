package instrumentation

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
)

// Values of error.type set by this package besides HTTP status codes.
const (
	ErrorTypeCanceled        = "canceled"
	ErrorTypeTimeout         = "timeout"
	ErrorTypeUnexpectedEOF   = "unexpected_eof"
	ErrorTypeInvalidResponse = "invalid_response"
	ErrorTypeAborted         = "aborted"
	ErrorTypeOther           = "_OTHER"
)

// TypedError is an error that names its own error.type value. Errors passed
// to [Inference.End] may implement it.
type TypedError interface {
	error
	ErrorType() string
}

// statusError is a non-2xx HTTP response; its error.type is the status code.
type statusError struct {
	code    int
	message string
}

func (e *statusError) Error() string {
	if e.message == "" {
		return "HTTP " + strconv.Itoa(e.code)
	}
	return "HTTP " + strconv.Itoa(e.code) + ": " + e.message
}

func (e *statusError) ErrorType() string { return strconv.Itoa(e.code) }

// errorType returns the error.type value describing err.
func errorType(err error) string {
	var typed TypedError
	var netErr net.Error
	switch {
	case errors.As(err, &typed):
		return typed.ErrorType()
	case errors.Is(err, context.Canceled):
		return ErrorTypeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return ErrorTypeTimeout
	case errors.As(err, &netErr) && netErr.Timeout():
		return ErrorTypeTimeout
	case errors.Is(err, io.ErrUnexpectedEOF):
		return ErrorTypeUnexpectedEOF
	}
	return ErrorTypeOther
}
