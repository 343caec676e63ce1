package queuestorageextension

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"
)

// maxDirName is the longest client directory name used as is; longer names
// (far beyond any real component id) are replaced by their SHA-256.
const maxDirName = 200

type queueStorage struct {
	cfg    *Config
	logger *zap.Logger

	mu      sync.Mutex
	clients map[*client]struct{}
}

var _ storage.Extension = (*queueStorage)(nil)

func newExtension(cfg *Config, logger *zap.Logger) *queueStorage {
	return &queueStorage{cfg: cfg, logger: logger, clients: map[*client]struct{}{}}
}

// Start creates the configured directory when it is missing.
func (e *queueStorage) Start(context.Context, component.Host) error {
	if err := os.MkdirAll(e.cfg.Directory, 0o700); err != nil {
		return fmt.Errorf("queue_storage: create directory %s: %w", e.cfg.Directory, err)
	}
	return nil
}

// Shutdown closes the clients their owners left open.
func (e *queueStorage) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	open := make([]*client, 0, len(e.clients))
	for c := range e.clients {
		open = append(open, c)
	}
	e.mu.Unlock()
	var errs []error
	for _, c := range open {
		errs = append(errs, c.Close(ctx))
	}
	return errors.Join(errs...)
}

// GetClient opens the storage of one component: the directory
// <directory>/<kind>_<type>_<name>[_<storageName>] (sanitized), locked
// against a second opener until the client is closed.
func (e *queueStorage) GetClient(_ context.Context, kind component.Kind, id component.ID, storageName string) (storage.Client, error) {
	name := fmt.Sprintf("%s_%s_%s", strings.ToLower(kind.String()), id.Type(), id.Name())
	if storageName != "" {
		name += "_" + storageName
	}
	name = sanitize(name)
	if len(name) > maxDirName {
		sum := sha256.Sum256([]byte(name))
		name = hex.EncodeToString(sum[:])
	}
	dir := filepath.Join(e.cfg.Directory, name)
	c, err := openClient(dir, e.cfg.FSync, e.forget)
	if err != nil {
		return nil, fmt.Errorf("queue_storage: open storage of %s %s: %w", kind, id, err)
	}
	e.mu.Lock()
	e.clients[c] = struct{}{}
	e.mu.Unlock()
	e.logger.Debug("queue storage client opened", zap.String("directory", dir))
	return c, nil
}

func (e *queueStorage) forget(c *client) {
	e.mu.Lock()
	delete(e.clients, c)
	e.mu.Unlock()
}

// sanitize keeps ASCII letters, digits, '-', '.' and '_' and replaces every
// other rune (the tilde included, so escaped names never collide with plain
// ones) by '~' and its code point in hex.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "~%04X", r)
		}
	}
	return b.String()
}
