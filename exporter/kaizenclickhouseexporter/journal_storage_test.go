package kaizenclickhouseexporter

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/kaizenhq/kaizen/extension/queuestorageextension"
)

// memStorage is an in-memory storage extension whose data outlives its
// clients, as a directory does: an exporter "crashes" by being abandoned
// and the next one opens the same data.
type memStorage struct {
	component.StartFunc
	component.ShutdownFunc
	mu      sync.Mutex
	data    map[string][]byte
	failSet error // returned by Set while non-nil
}

// testStorageID is the sending_queue.storage of the journal tests.
var testStorageID = component.MustNewIDWithName("queue_storage", "test")

func newMemStorage() *memStorage { return &memStorage{data: map[string][]byte{}} }

func (m *memStorage) GetClient(_ context.Context, kind component.Kind, id component.ID, name string) (storage.Client, error) {
	return &memClient{m: m, prefix: kind.String() + "/" + id.String() + "/" + name + "/"}, nil
}

// keys returns the stored keys under prefix, sorted.
func (m *memStorage) keys(prefix string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.data {
		if _, rest, ok := strings.Cut(k, "/"+journalStorageName+"/"); ok && strings.HasPrefix(rest, prefix) {
			out = append(out, rest)
		}
	}
	slices.Sort(out)
	return out
}

// set overwrites a journal key, as a damaged disk would.
func (m *memStorage) set(key string, value []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.data {
		if strings.HasSuffix(k, "/"+journalStorageName+"/"+key) {
			m.data[k] = value
			return
		}
	}
	panic("no journal key " + key)
}

// get returns a journal key's value, nil when it is not stored.
func (m *memStorage) get(key string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range m.data {
		if strings.HasSuffix(k, "/"+journalStorageName+"/"+key) {
			return v
		}
	}
	return nil
}

func (m *memStorage) setFailure(err error) {
	m.mu.Lock()
	m.failSet = err
	m.mu.Unlock()
}

type memClient struct {
	m      *memStorage
	prefix string
}

func (c *memClient) Get(ctx context.Context, key string) ([]byte, error) {
	op := storage.GetOperation(key)
	err := c.Batch(ctx, op)
	return op.Value, err
}

func (c *memClient) Set(ctx context.Context, key string, value []byte) error {
	return c.Batch(ctx, storage.SetOperation(key, value))
}

func (c *memClient) Delete(ctx context.Context, key string) error {
	return c.Batch(ctx, storage.DeleteOperation(key))
}

func (c *memClient) Batch(_ context.Context, ops ...*storage.Operation) error {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			op.Value = slices.Clone(c.m.data[c.prefix+op.Key])
		case storage.Set:
			if c.m.failSet != nil {
				return c.m.failSet
			}
			c.m.data[c.prefix+op.Key] = slices.Clone(op.Value)
		case storage.Delete:
			delete(c.m.data, c.prefix+op.Key)
		default:
			return errors.New("unknown operation")
		}
	}
	return nil
}

func (c *memClient) Close(context.Context) error { return nil }

// storageHost is a host with one storage extension.
type storageHost struct {
	component.Host
	ext map[component.ID]component.Component
}

func newStorageHost(ext component.Component) component.Host {
	return &storageHost{Host: componenttest.NewNopHost(), ext: map[component.ID]component.Component{testStorageID: ext}}
}

// storageBackends are the storage extensions the journal is tested on.
// Each returns, for one test, a function giving the host of one collector
// run: every run opens the same stored data in a new extension instance,
// as a restarted process does.
var storageBackends = []struct {
	name string
	runs func(t testing.TB) func() component.Host
}{
	{"memory", func(testing.TB) func() component.Host {
		m := newMemStorage()
		return func() component.Host { return newStorageHost(m) }
	}},
	{"queue_storage", func(t testing.TB) func() component.Host {
		cfg := &queuestorageextension.Config{Directory: t.TempDir()}
		return func() component.Host {
			return newStorageHost(startExtension(t, queuestorageextension.NewFactory(), cfg))
		}
	}},
	{"file_storage", func(t testing.TB) func() component.Host {
		f := filestorage.NewFactory()
		cfg := f.CreateDefaultConfig().(*filestorage.Config)
		cfg.Directory = t.TempDir()
		return func() component.Host { return newStorageHost(startExtension(t, f, cfg)) }
	}},
}

// startExtension creates and starts an extension, shut down at the end of
// the test.
func startExtension(t testing.TB, f extension.Factory, cfg component.Config) component.Component {
	t.Helper()
	ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ext.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ext.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return ext
}

func (h *storageHost) GetExtensions() map[component.ID]component.Component { return h.ext }
