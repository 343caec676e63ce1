package cli

import (
	"errors"
	"fmt"
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
