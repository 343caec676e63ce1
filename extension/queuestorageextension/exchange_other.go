//go:build !linux

package queuestorageextension

import "os"

// exchange renames src over dst (atomic replace); swapped is always false.
func exchange(src, dst string) (swapped bool, err error) {
	return false, os.Rename(src, dst)
}
