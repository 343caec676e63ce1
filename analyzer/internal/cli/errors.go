package cli

import (
	"errors"
	"fmt"
	"strings"
)

// Exit codes of the kaizen binary.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	ExitWaste = 3
)

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// wasteError reports a CI gate exceeded; the report has been written.
type wasteError struct{ reason string }

func (e wasteError) Error() string { return "waste over threshold: " + e.reason }

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var u usageError
	var w wasteError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &w):
		return ExitWaste
	case errors.As(err, &u):
		return ExitUsage
	}
	return ExitError
}

// isCobraUsage recognizes cobra's own command-line errors (an unknown
// command, a wrong argument count), which it returns as plain errors.
func isCobraUsage(err error) bool {
	var u usageError
	if errors.As(err, &u) {
		return false
	}
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command ") || strings.HasPrefix(msg, "unknown shorthand flag") ||
		strings.HasPrefix(msg, "unknown flag") || strings.Contains(msg, "arg(s), received")
}
