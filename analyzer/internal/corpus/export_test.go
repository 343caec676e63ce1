package corpus

import "testing"

// Frozen exposes the frozen first corpus to the external accuracy test.
func Frozen(t *testing.T) []byte { return readFrozen(t) }
