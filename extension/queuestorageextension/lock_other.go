//go:build !unix

package queuestorageextension

import (
	"os"
	"path/filepath"
)

// lockDir opens dir/.lock; platforms without flock get no cross-process
// exclusion.
func lockDir(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR, 0o600)
}
