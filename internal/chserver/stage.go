package chserver

import (
	"fmt"
	"os"
)

// stageTempFile writes INSERT data to a private temporary file; the
// returned function removes it.
func stageTempFile(data []byte) (string, func(), error) {
	f, err := os.CreateTemp("", "kaizen-chserver-insert-*")
	if err != nil {
		return "", nil, fmt.Errorf("stage insert data: %w", err)
	}
	path := f.Name()
	cleanup := func() { _ = os.Remove(path) }
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		cleanup()
		return "", nil, fmt.Errorf("stage insert data in %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("stage insert data in %s: %w", path, err)
	}
	return path, cleanup, nil
}
