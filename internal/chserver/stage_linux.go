package chserver

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// stageData puts INSERT data where the engine can read it with FROM INFILE:
// an anonymous in-memory file (memfd) of this process, named through
// /proc/self/fd. The returned function releases it.
func stageData(data []byte) (string, func(), error) {
	fd, err := unix.MemfdCreate("kaizen-chserver-insert", unix.MFD_CLOEXEC)
	if err != nil {
		return stageTempFile(data)
	}
	f := os.NewFile(uintptr(fd), "memfd")
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return "", nil, fmt.Errorf("stage insert data in memory: %w", err)
	}
	return fmt.Sprintf("/proc/self/fd/%d", fd), func() { _ = f.Close() }, nil
}
