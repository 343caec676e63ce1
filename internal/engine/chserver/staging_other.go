//go:build !linux

package chserver

import "os"

// newStageFile creates a temporary file the engine reads with FROM INFILE
// (memfd is Linux-only). The returned function removes it.
func newStageFile() (*os.File, string, func(), error) { return stageTempFile() }

// finishStageFile closes the temporary file so its data is complete for
// the engine, which opens it by path.
func finishStageFile(f *os.File) error { return f.Close() }
