package chdb

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ErrClosed is returned by queries on a closed connection.
var ErrClosed = errors.New("chdb: connection is closed")

// Error is an exception raised by the ClickHouse engine.
type Error struct {
	// Code is ClickHouse's numeric error code (for example 62 for a syntax
	// error, 60 for an unknown table); 0 when the message carried none.
	Code int
	// Message is the full exception text as ClickHouse reported it.
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Code == 0 {
		return "clickhouse: " + e.Message
	}
	return fmt.Sprintf("clickhouse [%d]: %s", e.Code, e.Message)
}

// Common ClickHouse error codes this project refers to by name.
const (
	CodeUnknownException     = 1002
	CodeSyntaxError          = 62
	CodeUnknownTable         = 60
	CodeUnknownDatabase      = 81
	CodeAuthenticationFailed = 516
	CodeTimeoutExceeded      = 159
	CodeQueryTooLarge        = 229
	CodeCannotParseInput     = 27
	CodeUnknownFormat        = 73
	CodeBadArguments         = 36
)

var codePattern = regexp.MustCompile(`Code:\s*(\d+)\.`)

// parseError turns an engine message into an *Error, extracting the code
// from ClickHouse's "Code: N. DB::Exception: …" prefix when present.
func parseError(msg string) *Error {
	msg = strings.TrimSpace(msg)
	e := &Error{Message: msg, Code: CodeUnknownException}
	if m := codePattern.FindStringSubmatch(msg); m != nil {
		if code, err := strconv.Atoi(m[1]); err == nil {
			e.Code = code
		}
	}
	return e
}

// ErrorCode returns the ClickHouse error code carried by err, or 0 when err
// is not (and does not wrap) an *Error.
func ErrorCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}
