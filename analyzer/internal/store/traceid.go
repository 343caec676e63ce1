package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is returned (wrapped) when a trace has no spans and no calls.
var ErrNotFound = errors.New("not found")

// NormalizeTraceID validates a trace id (32 hexadecimal digits, not all
// zero) and returns it in lowercase, the form the tables store. It is called
// before any query, so a malformed id never reaches the database.
func NormalizeTraceID(id string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(id))
	if len(s) != 32 {
		return "", fmt.Errorf("invalid trace id %q: want 32 hexadecimal digits, got %d characters", id, len(s))
	}
	zero := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		default:
			return "", fmt.Errorf("invalid trace id %q: character %q at position %d is not hexadecimal", id, c, i+1)
		}
		if c != '0' {
			zero = false
		}
	}
	if zero {
		return "", fmt.Errorf("invalid trace id %q: the all-zero id is not a valid trace", id)
	}
	return s, nil
}
