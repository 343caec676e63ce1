package chserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync/atomic"
)

// errStageRead marks a failure to read the data being staged (as opposed
// to a failure to write the staging file).
var errStageRead = errors.New("read insert data")

// errStagingFull reports that the staging budget is spent.
var errStagingFull = errors.New("staging budget exhausted")

// budget counts the bytes staged at once across requests, so INSERTs
// queued behind the engine cannot hold unbounded memory; nil is unlimited.
type budget struct {
	limit int64
	used  atomic.Int64
}

func (b *budget) take(n int64) bool {
	if b == nil {
		return true
	}
	if b.used.Add(n) > b.limit {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *budget) give(n int64) {
	if b != nil {
		b.used.Add(-n)
	}
}

// budgetWriter takes budget for every byte before writing it.
type budgetWriter struct {
	w     io.Writer
	b     *budget
	taken int64
}

func (w *budgetWriter) Write(p []byte) (int, error) {
	if !w.b.take(int64(len(p))) {
		return 0, errStagingFull
	}
	w.taken += int64(len(p))
	return w.w.Write(p)
}

// stageData puts INSERT data where the engine can read it with FROM INFILE.
// The returned function releases it.
func stageData(data []byte, b *budget) (string, func(), error) {
	path, release, _, err := stageReader(bytes.NewReader(data), math.MaxInt64-1, b)
	return path, release, err
}

// stageReader copies r to a staging file the engine reads with FROM
// INFILE: an anonymous in-memory file (memfd) of this process, named
// through /proc/self/fd, where the platform has one, else a private
// temporary file. It copies in small pieces, so a large body never needs
// a buffer of its size in the Go heap. It stops after limit bytes and
// reports over when r holds more. Read errors wrap errStageRead. The
// returned function releases the file and its budget.
func stageReader(r io.Reader, limit int64, b *budget) (path string, release func(), over bool, err error) {
	f, path, releaseFile, err := newStageFile()
	if err != nil {
		return "", nil, false, err
	}
	w := &budgetWriter{w: f, b: b}
	release = func() { releaseFile(); b.give(w.taken) }
	n, err := io.Copy(w, io.LimitReader(readErrMarker{r}, limit+1))
	if err == nil {
		err = finishStageFile(f)
	}
	if err != nil {
		release()
		if errors.Is(err, errStageRead) || errors.Is(err, errStagingFull) {
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
