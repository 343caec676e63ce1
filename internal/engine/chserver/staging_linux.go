package chserver

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// newStageFile creates an anonymous in-memory file (memfd), named for the
// engine through /proc/self/fd; it falls back to a temporary file. The
// returned function releases it.
func newStageFile() (*os.File, string, func(), error) {
	fd, err := unix.MemfdCreate("kaizen-chserver-insert", unix.MFD_CLOEXEC)
	if err != nil {
		return stageTempFile()
	}
	f := os.NewFile(uintptr(fd), "memfd")
	return f, fmt.Sprintf("/proc/self/fd/%d", fd), func() { _ = f.Close() }, nil
}

// finishStageFile ends writing: a memfd stays open (closing it would free
// the data), the engine opens its own descriptor by path.
func finishStageFile(*os.File) error { return nil }
