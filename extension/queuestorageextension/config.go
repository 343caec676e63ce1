package queuestorageextension

import (
	"errors"
	"fmt"
	"os"

	"go.opentelemetry.io/collector/component"
)

// Config is the configuration of the queue_storage extension.
type Config struct {
	// Directory holds one sub-directory per client (component); it is
	// created (mode 0700) at start when missing.
	Directory string `mapstructure:"directory"`
	// FSync makes every Set and Delete durable on disk before it returns
	// (fsync of the file and of its directory). When false (the default), a
	// write is handed to the operating system before it returns: it survives
	// the collector crashing or being killed, not a power loss or kernel
	// crash — the same durability as file_storage's default (fsync: false).
	FSync bool `mapstructure:"fsync"`
}

var _ component.Config = (*Config)(nil)

// Validate checks that a directory is set and, when it already exists, that
// it is a directory.
func (c *Config) Validate() error {
	if c.Directory == "" {
		return errors.New("queue_storage: directory is required")
	}
	info, err := os.Stat(c.Directory)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil // created at start
	case err != nil:
		return fmt.Errorf("queue_storage: directory %s: %w", c.Directory, err)
	case !info.IsDir():
		return fmt.Errorf("queue_storage: directory %s exists and is not a directory", c.Directory)
	}
	return nil
}
