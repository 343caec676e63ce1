//go:build linux

package queuestorageextension

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchange atomically puts the file src at dst. When dst exists the two are
// swapped (renameat2 RENAME_EXCHANGE): src then names dst's old file and
// swapped is true. When dst does not exist, or the file system cannot
// exchange, src is renamed over dst.
func exchange(src, dst string) (swapped bool, err error) {
	err = unix.Renameat2(unix.AT_FDCWD, src, unix.AT_FDCWD, dst, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return false, os.Rename(src, dst)
	default:
		return false, &os.LinkError{Op: "exchange", Old: src, New: dst, Err: err}
	}
}
