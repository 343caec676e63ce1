package queuestorageextension

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

const (
	// tempPrefix starts every temporary file name; hex and hashed names
	// never do (neither contains a 't').
	tempPrefix = "tmp-"
	// lockName is the lock file of a client directory.
	lockName = ".lock"
	// hashedPrefix starts the name of a key too long to spell in hex: the
	// file then holds the key followed by the value.
	hashedPrefix = "h"
	// maxHexKey is the longest key whose file name is its hex (2 bytes per
	// key byte, well under the usual 255-byte name limit).
	maxHexKey = 100
	// maxSpare is how many spare files a client keeps to write new values
	// into: overwriting a file costs the kernel far less than creating one
	// and unlinking another (README, "Measured").
	maxSpare = 8
)

var errClosed = errors.New("queue_storage: client is closed")

// client stores each key of one component in its own file of dir.
type client struct {
	dir      string
	fsync    bool
	onClose  func(*client)
	mu       sync.Mutex
	lockFile *os.File // nil once closed
	spares   []string // files (temporary names) to write new values into
	spareSeq int
}

var _ storage.Client = (*client)(nil)

// openClient creates dir when missing, locks it and removes the temporary
// files a crash mid-Set left behind.
func openClient(dir string, fsync bool, onClose func(*client)) (*client, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	c := &client{dir: dir, fsync: fsync, onClose: onClose, lockFile: lock}
	if err := c.removeTemps(); err != nil {
		_ = lock.Close()
		return nil, err
	}
	return c, nil
}

func (c *client) removeTemps() error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("list %s: %w", c.dir, err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			if err := os.Remove(filepath.Join(c.dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove stray temporary file: %w", err)
			}
		}
	}
	return nil
}

// Get returns the value of key, or nil and no error when it is not set.
func (c *client) Get(ctx context.Context, key string) ([]byte, error) {
	op := storage.GetOperation(key)
	err := c.Batch(ctx, op)
	return op.Value, err
}

// Set stores value under key, atomically replacing any previous value.
func (c *client) Set(ctx context.Context, key string, value []byte) error {
	return c.Batch(ctx, storage.SetOperation(key, value))
}

// Delete removes key; deleting a missing key is not an error.
func (c *client) Delete(ctx context.Context, key string) error {
	return c.Batch(ctx, storage.DeleteOperation(key))
}

// Batch applies ops in order, filling the Value of Get operations, and stops
// at the first failure (operations before it stay applied).
func (c *client) Batch(ctx context.Context, ops ...*storage.Operation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lockFile == nil {
		return errClosed
	}
	for _, op := range ops {
		var err error
		switch op.Type {
		case storage.Get:
			op.Value, err = c.get(op.Key)
		case storage.Set:
			err = c.set(op.Key, op.Value)
		case storage.Delete:
			err = c.remove(op.Key)
		default:
			err = fmt.Errorf("unknown operation type %d", op.Type)
		}
		if err != nil {
			return fmt.Errorf("queue_storage: key %q: %w", op.Key, err)
		}
	}
	return nil
}

// Close releases the directory lock; later calls fail with a clear error.
func (c *client) Close(context.Context) error {
	c.mu.Lock()
	lock := c.lockFile
	c.lockFile = nil
	c.mu.Unlock()
	if lock == nil {
		return nil
	}
	if c.onClose != nil {
		c.onClose(c)
	}
	for _, name := range c.spares {
		_ = os.Remove(name)
	}
	c.spares = nil
	if err := lock.Close(); err != nil {
		return fmt.Errorf("queue_storage: release %s: %w", c.dir, err)
	}
	return nil
}

// path returns the file of key and, for hashed names, the key prefix the
// file starts with.
func (c *client) path(key string) (name string, prefix []byte) {
	if len(key) <= maxHexKey {
		return filepath.Join(c.dir, hex.EncodeToString([]byte(key))), nil
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.dir, hashedPrefix+hex.EncodeToString(sum[:])), []byte(key)
}

func (c *client) get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	name, prefix := c.path(key)
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, prefix) {
		return nil, fmt.Errorf("%s does not hold this key (hash collision or foreign file)", name)
	}
	return data[len(prefix):], nil
}

func (c *client) set(key string, value []byte) error {
	if key == "" {
		return errors.New("key required")
	}
	name, prefix := c.path(key)
	spare, f, err := c.spareFile()
	if err != nil {
		return err
	}
	if err := writeAll(f, c.fsync, prefix, value); err != nil {
		_ = os.Remove(spare)
		return err
	}
	// Atomic: the key's file is the old value or the new one, never torn.
	// With an exchange the old value's file becomes a spare.
	swapped, err := exchange(spare, name)
	if err != nil {
		_ = os.Remove(spare)
		return err
	}
	if swapped {
		c.keepSpare(spare)
	}
	return c.syncDir()
}

// spareFile opens a kept spare file for writing, or creates a new one.
func (c *client) spareFile() (string, *os.File, error) {
	for len(c.spares) > 0 {
		name := c.spares[len(c.spares)-1]
		c.spares = c.spares[:len(c.spares)-1]
		if f, err := os.OpenFile(name, os.O_WRONLY, 0); err == nil {
			return name, f, nil
		}
		_ = os.Remove(name)
	}
	f, err := os.CreateTemp(c.dir, tempPrefix+"*")
	if err != nil {
		return "", nil, err
	}
	return f.Name(), f, nil
}

// keepSpare keeps the file name for reuse, or removes it when enough are
// kept.
func (c *client) keepSpare(name string) {
	if len(c.spares) < maxSpare {
		c.spares = append(c.spares, name)
		return
	}
	_ = os.Remove(name)
}

// writeAll writes parts to f from its start, cuts it to their length (a
// reused file may be longer), syncs it when asked and closes it.
func writeAll(f *os.File, fsync bool, parts ...[]byte) error {
	var n int64
	for _, p := range parts {
		if _, err := f.Write(p); err != nil {
			_ = f.Close()
			return err
		}
		n += int64(len(p))
	}
	if err := f.Truncate(n); err != nil {
		_ = f.Close()
		return err
	}
	if fsync {
		if err := f.Sync(); err != nil {
			_ = f.Close()
			return err
		}
	}
	return f.Close()
}

// remove deletes key's file, keeping it as a spare when fewer than
// maxSpare are kept.
func (c *client) remove(key string) error {
	if key == "" {
		return nil
	}
	name, _ := c.path(key)
	var err error
	if len(c.spares) < maxSpare {
		c.spareSeq++
		spare := filepath.Join(c.dir, fmt.Sprintf("%sspare-%d", tempPrefix, c.spareSeq))
		if err = os.Rename(name, spare); err == nil {
			c.spares = append(c.spares, spare)
		}
	} else {
		err = os.Remove(name)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.syncDir()
}

// syncDir makes a rename or removal durable when fsync is on.
func (c *client) syncDir() error {
	if !c.fsync {
		return nil
	}
	d, err := os.Open(c.dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
