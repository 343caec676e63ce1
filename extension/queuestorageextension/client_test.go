package queuestorageextension

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

type step struct {
	ops  []*storage.Operation
	want [][]byte // Value of each Get op, in order; nil = missing
}

// getAll returns a batch of Gets for keys.
func getAll(keys ...string) []*storage.Operation {
	ops := make([]*storage.Operation, len(keys))
	for i, k := range keys {
		ops[i] = storage.GetOperation(k)
	}
	return ops
}

var (
	binary    = []byte{0, 1, 2, 0xff, 0xfe, '\n', 0, '/'}
	longKey   = strings.Repeat("k/", 150)
	oddKey    = "a/b/../c\x00\xff\n é"
	clientSem = []struct {
		name  string
		steps []step
	}{
		{"missing key", []step{{ops: getAll("nope"), want: [][]byte{nil}}}},
		{"set then get", []step{
			{ops: []*storage.Operation{storage.SetOperation("k", []byte("v"))}},
			{ops: getAll("k"), want: [][]byte{[]byte("v")}},
		}},
		{"overwrite", []step{
			{ops: []*storage.Operation{storage.SetOperation("k", []byte("first, longer value"))}},
			{ops: []*storage.Operation{storage.SetOperation("k", []byte("2nd"))}},
			{ops: getAll("k"), want: [][]byte{[]byte("2nd")}},
		}},
		{"empty value", []step{
			{ops: []*storage.Operation{storage.SetOperation("e", []byte{})}},
			{ops: getAll("e"), want: [][]byte{{}}},
		}},
		{"binary value", []step{
			{ops: []*storage.Operation{storage.SetOperation("b", binary)}},
			{ops: getAll("b"), want: [][]byte{binary}},
		}},
		{"keys with slashes, odd bytes and great length", []step{
			{ops: []*storage.Operation{
				storage.SetOperation("a/b", []byte("slash")),
				storage.SetOperation("..", []byte("dots")),
				storage.SetOperation(oddKey, []byte("odd")),
				storage.SetOperation(longKey, []byte("long")),
			}},
			{ops: getAll("a/b", "..", oddKey, longKey, "a", longKey+"x"), want: [][]byte{
				[]byte("slash"), []byte("dots"), []byte("odd"), []byte("long"), nil, nil,
			}},
		}},
		{"delete and delete missing", []step{
			{ops: []*storage.Operation{storage.SetOperation("d", []byte("x"))}},
			{ops: []*storage.Operation{storage.DeleteOperation("d"), storage.DeleteOperation("never-set")}},
			{ops: getAll("d"), want: [][]byte{nil}},
		}},
		{"batch applies in order and fills gets", []step{{
			ops: []*storage.Operation{
				storage.SetOperation("q", []byte("1")),
				storage.GetOperation("q"),
				storage.SetOperation("q", []byte("2")),
				storage.GetOperation("q"),
				storage.DeleteOperation("q"),
				storage.GetOperation("q"),
				storage.SetOperation(longKey, []byte("L")),
				storage.GetOperation(longKey),
			},
			want: [][]byte{[]byte("1"), []byte("2"), nil, []byte("L")},
		}}},
	}
)

// TestClientSemantics runs every case on queue_storage and on the contrib
// file_storage (bbolt) it replaces: both must give the same answers.
func TestClientSemantics(t *testing.T) {
	impls := map[string]func(testing.TB, string) storage.Client{"queue_storage": ourClient, "file_storage": contribClient}
	for implName, open := range impls {
		for _, tc := range clientSem {
			t.Run(implName+"/"+tc.name, func(t *testing.T) {
				c := open(t, t.TempDir())
				ctx := context.Background()
				for i, s := range tc.steps {
					if err := c.Batch(ctx, s.ops...); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					var got [][]byte
					for _, op := range s.ops {
						if op.Type == storage.Get {
							got = append(got, op.Value)
						}
					}
					if len(got) != len(s.want) {
						t.Fatalf("step %d: %d gets, want %d", i, len(got), len(s.want))
					}
					for j := range got {
						if (got[j] == nil) != (s.want[j] == nil) || !bytes.Equal(got[j], s.want[j]) {
							t.Errorf("step %d get %d = %q (nil %v), want %q (nil %v)", i, j, got[j], got[j] == nil, s.want[j], s.want[j] == nil)
						}
					}
				}
			})
		}
	}
}

func TestSingleOpsAndErrors(t *testing.T) {
	ctx := context.Background()
	c := ourClient(t, t.TempDir())
	if err := c.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if err := c.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k"); err != nil || v != nil {
		t.Fatalf("Get after Delete = %q, %v; want nil, nil", v, err)
	}
	if err := c.Set(ctx, "", []byte("v")); err == nil || !strings.Contains(err.Error(), "key required") {
		t.Errorf("Set empty key = %v, want key required", err)
	}
	if err := c.Batch(ctx, &storage.Operation{Key: "k", Type: 42}); err == nil || !strings.Contains(err.Error(), "unknown operation type") {
		t.Errorf("bad op = %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.Set(canceled, "k", nil); err == nil {
		t.Error("Set with a canceled context succeeded")
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.Get(ctx, "k"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Get after Close = %v, want closed", err)
	}
}

// TestRestartAndTornTemp stores values, simulates a SIGKILL mid-Set (a
// half-written temporary file beside the old value) and reopens: the old
// value is intact and the temporary file is gone.
func TestRestartAndTornTemp(t *testing.T) {
	for _, fsync := range []bool{false, true} {
		t.Run(fmt.Sprintf("fsync=%v", fsync), func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			cfg := &Config{Directory: dir, FSync: fsync}
			ext := startStorage(t, NewFactory(), cfg)
			c := openTestClient(t, ext)
			big := bytes.Repeat([]byte("span"), 1<<16)
			for k, v := range map[string][]byte{"ri": []byte("7"), "1": big, longKey: []byte("L")} {
				if err := c.Set(ctx, k, v); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Close(ctx); err != nil {
				t.Fatal(err)
			}
			clientDir := filepath.Join(dir, "exporter_kaizenclickhouse_main_traces")
			torn := filepath.Join(clientDir, tempPrefix+"123")
			if err := os.WriteFile(torn, big[:1000], 0o600); err != nil {
				t.Fatal(err)
			}
			c = openTestClient(t, startStorage(t, NewFactory(), cfg))
			if _, err := os.Stat(torn); !os.IsNotExist(err) {
				t.Errorf("torn temporary file still there: %v", err)
			}
			for k, want := range map[string][]byte{"ri": []byte("7"), "1": big, longKey: []byte("L")} {
				if got, err := c.Get(ctx, k); err != nil || !bytes.Equal(got, want) {
					t.Errorf("after restart Get(%.10q) = %d bytes, %v; want %d bytes", k, len(got), err, len(want))
				}
			}
			entries, _ := os.ReadDir(clientDir)
			if len(entries) != 4 { // 3 keys + .lock
				t.Errorf("client directory has %d entries, want 4", len(entries))
			}
		})
	}
}

// TestConcurrentClients writes from several components at once (and from
// several goroutines on one client): nothing is lost or mixed up.
func TestConcurrentClients(t *testing.T) {
	ctx := context.Background()
	ext := startStorage(t, NewFactory(), &Config{Directory: t.TempDir()})
	var wg sync.WaitGroup
	for i := range 4 {
		id := component.MustNewIDWithName("kaizenclickhouse", fmt.Sprint("e", i))
		c, err := ext.GetClient(ctx, component.KindExporter, id, "")
		if err != nil {
			t.Fatal(err)
		}
		for g := range 3 {
			wg.Go(func() {
				for n := range 50 {
					key := fmt.Sprint(g, "/", n)
					val := []byte(fmt.Sprint(id, key))
					if err := c.Batch(ctx, storage.SetOperation(key, val), storage.SetOperation("shared", val)); err != nil {
						t.Error(err)
						return
					}
					if got, err := c.Get(ctx, key); err != nil || !bytes.Equal(got, val) {
						t.Errorf("%s Get(%s) = %q, %v", id, key, got, err)
					}
					if n%2 == 0 {
						if err := c.Delete(ctx, key); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
	}
	wg.Wait()
	// Left open on purpose: Shutdown (test cleanup) closes them.
}

// TestSparesBounded cycles the queue's pattern: replaced and deleted files
// are reused, at most maxSpare of them are kept, and Close removes them.
func TestSparesBounded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := ourClient(t, dir)
	for i := range 50 {
		key := fmt.Sprint(i)
		val := bytes.Repeat([]byte{byte(i)}, 1000+i)
		if err := c.Batch(ctx, storage.SetOperation(key, val), storage.SetOperation("qmv0", []byte(key))); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Get(ctx, key); err != nil || !bytes.Equal(got, val) {
			t.Fatalf("Get(%s) = %d bytes, %v; want %d", key, len(got), err, len(val))
		}
		if err := c.Batch(ctx, storage.DeleteOperation(key), storage.SetOperation("qmv0", []byte("done"+key))); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := c.Get(ctx, "qmv0"); err != nil || string(got) != "done49" {
		t.Fatalf("metadata = %q, %v", got, err)
	}
	clientDir := filepath.Join(dir, "exporter_kaizenclickhouse_main_traces")
	entries, _ := os.ReadDir(clientDir)
	if len(entries) > 2+maxSpare { // qmv0, .lock, spares
		t.Errorf("%d files in the client directory, want at most %d", len(entries), 2+maxSpare)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if entries, _ = os.ReadDir(clientDir); len(entries) != 2 {
		t.Errorf("after Close: %d files, want 2 (qmv0, .lock)", len(entries))
	}
}

func TestSecondOpenerRefused(t *testing.T) {
	ext := startStorage(t, NewFactory(), &Config{Directory: t.TempDir()})
	openTestClient(t, ext)
	_, err := ext.GetClient(context.Background(), component.KindExporter, queueID, "traces")
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second client on one directory = %v, want in use", err)
	}
}

func TestSanitizeAndLongNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"exporter_kaizenclickhouse_main", "exporter_kaizenclickhouse_main"},
		{"a/b", "a~002Fb"},
		{"x~y", "x~007Ey"},
		{"é", "~00E9"},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	dir := t.TempDir()
	ext := startStorage(t, NewFactory(), &Config{Directory: dir})
	c, err := ext.GetClient(context.Background(), component.KindExporter, queueID, strings.Repeat("n", 300))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(context.Background(), "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || len(entries[0].Name()) != 64 {
		t.Fatalf("long client name: entries %v, %v; want one 64-character hashed directory", entries, err)
	}
}
