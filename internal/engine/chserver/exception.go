package chserver

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// ClickHouse error codes the HTTP layer raises itself.
const (
	codeNotImplemented       = 48
	codeSyntaxError          = chdb.CodeSyntaxError
	codeUnknownSetting       = 115
	codeReadonly             = 164
	codeAborted              = 236
	codeUnknownException     = 1002
	codeCannotDecompress     = 271
	codeAuthenticationFailed = chdb.CodeAuthenticationFailed
	codeLimitExceeded        = 290
	codeBadArguments         = chdb.CodeBadArguments
	codeAccessDenied         = 497
	// codeTooManyQueries is TOO_MANY_SIMULTANEOUS_QUERIES, the code
	// ClickHouse clients treat as "busy, retry later".
	codeTooManyQueries = 202
)

// exceptionNames gives the symbolic names of the codes raised here.
var exceptionNames = map[int]string{
	codeNotImplemented:       "NOT_IMPLEMENTED",
	codeSyntaxError:          "SYNTAX_ERROR",
	codeUnknownSetting:       "UNKNOWN_SETTING",
	codeReadonly:             "READONLY",
	codeAborted:              "ABORTED",
	codeCannotDecompress:     "CANNOT_DECOMPRESS",
	codeAuthenticationFailed: "AUTHENTICATION_FAILED",
	codeLimitExceeded:        "LIMIT_EXCEEDED",
	codeBadArguments:         "BAD_ARGUMENTS",
	codeUnknownException:     "UNKNOWN_EXCEPTION",
	codeAccessDenied:         "ACCESS_DENIED",
	codeTooManyQueries:       "TOO_MANY_SIMULTANEOUS_QUERIES",
}

// exception is an error to send the way ClickHouse does: a code, a message
// and an HTTP status.
type exception struct {
	code   int
	status int
	text   string // complete "Code: N. DB::Exception: …" text
}

func (e *exception) Error() string { return e.text }

// newException builds an exception raised by the HTTP layer.
func newException(code, status int, format string, args ...any) *exception {
	msg := fmt.Sprintf(format, args...)
	name := exceptionNames[code]
	if name == "" {
		name = "UNKNOWN_EXCEPTION"
	}
	return &exception{
		code:   code,
		status: status,
		text:   fmt.Sprintf("Code: %d. DB::Exception: %s. (%s) (kaizen chserver)", code, strings.TrimSuffix(msg, "."), name),
	}
}

// trailingName matches the duplicate " (NAME)" libchdb appends after
// ClickHouse's own "(version …)" suffix.
var trailingName = regexp.MustCompile(`\)\.? \([A-Z][A-Z0-9_]*\)$`)

// fromError converts an engine or handler error into an exception.
func fromError(err error) *exception {
	var ex *exception
	if errors.As(err, &ex) {
		return ex
	}
	if errors.Is(err, chdb.ErrClosed) {
		return newException(codeAborted, http.StatusServiceUnavailable,
			"the embedded ClickHouse store is closed (the server is shutting down or its data path was released)")
	}
	var ce *chdb.Error
	if !errors.As(err, &ce) {
		return newException(codeUnknownException, http.StatusInternalServerError, "%v", err)
	}
	text := ce.Message
	// libchdb repeats the prefix: "Code: 60. DB::Exception: Code: 60. DB::Exception: …".
	prefix := "Code: " + strconv.Itoa(ce.Code) + ". DB::Exception: "
	if strings.HasPrefix(text, prefix+prefix) {
		text = strings.TrimPrefix(text, prefix)
		if loc := trailingName.FindStringIndex(text); loc != nil && strings.Contains(text, "(version ") {
			text = text[:loc[0]+1]
		}
	}
	if !strings.HasPrefix(text, "Code: ") {
		text = prefix + text
	}
	return &exception{code: ce.Code, status: httpStatus(ce.Code), text: text}
}

// httpStatus maps a ClickHouse error code to the HTTP status ClickHouse's
// HTTP handler uses for it (500 for everything not listed).
func httpStatus(code int) int {
	switch code {
	case codeAuthenticationFailed, 192 /* UNKNOWN_USER */, 193 /* WRONG_PASSWORD */, 194 /* REQUIRED_PASSWORD */ :
		return http.StatusUnauthorized
	case codeReadonly, codeAccessDenied:
		return http.StatusForbidden
	case 60 /* UNKNOWN_TABLE */, 81 /* UNKNOWN_DATABASE */, 46 /* UNKNOWN_FUNCTION */, 47 /* UNKNOWN_IDENTIFIER */, 16 /* NO_SUCH_COLUMN_IN_TABLE */ :
		return http.StatusNotFound
	case codeSyntaxError, 6 /* CANNOT_PARSE_TEXT */, 26, 27, 32, 33, 38, 41, 72 /* CANNOT_PARSE_* */, 36 /* BAD_ARGUMENTS */, 42 /* NUMBER_OF_ARGUMENTS_DOESNT_MATCH */, 43 /* ILLEGAL_TYPE_OF_ARGUMENT */, 53 /* TYPE_MISMATCH */, 73 /* UNKNOWN_FORMAT */, 115 /* UNKNOWN_SETTING */, 456 /* UNKNOWN_QUERY_PARAMETER */, 457 /* BAD_QUERY_PARAMETER */ :
		return http.StatusBadRequest
	case 159 /* TIMEOUT_EXCEEDED */ :
		return http.StatusGatewayTimeout
	case codeAborted, codeTooManyQueries:
		return http.StatusServiceUnavailable
	case codeNotImplemented:
		return http.StatusNotImplemented
	}
	return http.StatusInternalServerError
}

// writeException sends ex as ClickHouse does: status, exception code
// header, and the text followed by a newline.
func writeException(w http.ResponseWriter, ex *exception) {
	h := w.Header()
	h.Del("Content-Encoding")
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("X-ClickHouse-Exception-Code", strconv.Itoa(ex.code))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(ex.status)
	_, _ = w.Write([]byte(ex.text + "\n"))
}
