package chserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// errStageRead marks a failure to read the data being staged (as opposed
// to a failure to write the staging file).
var errStageRead = errors.New("read insert data")

// stageData puts INSERT data where the engine can read it with FROM INFILE.
// The returned function releases it.
func stageData(data []byte) (string, func(), error) {
	path, release, _, err := stageReader(bytes.NewReader(data), math.MaxInt64-1)
	return path, release, err
}

// stageReader copies r to a staging file the engine reads with FROM
// INFILE: an anonymous in-memory file (memfd) of this process, named
// through /proc/self/fd, where the platform has one, else a private
// temporary file. It copies in small pieces, so a large body never needs
// a buffer of its size in the Go heap. It stops after limit bytes and
// reports over when r holds more. Read errors wrap errStageRead. The
// returned function releases the file.
func stageReader(r io.Reader, limit int64) (path string, release func(), over bool, err error) {
	f, path, release, err := newStageFile()
	if err != nil {
		return "", nil, false, err
	}
	n, err := io.Copy(f, io.LimitReader(readErrMarker{r}, limit+1))
	if err == nil {
		err = finishStageFile(f)
	}
	if err != nil {
		release()
		if errors.Is(err, errStageRead) {
			return "", nil, false, err
		}
		return "", nil, false, fmt.Errorf("stage insert data in %s: %w", path, err)
	}
	if n > limit {
		release()
		return "", nil, true, nil
	}
	return path, release, false, nil
}

// readErrMarker wraps read errors (other than io.EOF) in errStageRead.
type readErrMarker struct{ r io.Reader }

func (m readErrMarker) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: %w", errStageRead, err)
	}
	return n, err
}

// stageTempFile creates a private temporary file; the returned function
// closes and removes it.
func stageTempFile() (*os.File, string, func(), error) {
	f, err := os.CreateTemp("", "kaizen-chserver-insert-*")
	if err != nil {
		return nil, "", nil, fmt.Errorf("stage insert data: %w", err)
	}
	path := f.Name()
	return f, path, func() { _ = f.Close(); _ = os.Remove(path) }, nil
}
