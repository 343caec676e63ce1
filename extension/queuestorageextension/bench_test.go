package queuestorageextension

import (
	"context"
	"crypto/rand"
	"strconv"
	"testing"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// queueDepth is how many requests wait in the queue while the benchmark
// adds and removes one: the 1–3 most recent requests bbolt keeps rewriting.
const queueDepth = 2

// BenchmarkQueuePattern replays the persistent sending queue's access
// pattern per request on 700 KB requests: Set item + Set metadata (offer),
// Get item (read), Delete item + Set metadata (on completion), with
// queueDepth requests waiting. Run with -benchmem: B/op is the bytes
// allocated per request, SetBytes makes MB/s the request throughput.
//
//	go test -run '^$' -bench BenchmarkQueuePattern -benchmem -benchtime 200x ./extension/queuestorageextension/
func BenchmarkQueuePattern(b *testing.B) {
	impls := []struct {
		name string
		open func(testing.TB, string) storage.Client
	}{{"queue_storage", ourClient}, {"file_storage", contribClient}}
	for _, impl := range impls {
		b.Run(impl.name, func(b *testing.B) {
			c := impl.open(b, b.TempDir())
			request := make([]byte, 700<<10)
			_, _ = rand.Read(request)
			meta := make([]byte, 40)
			ctx := context.Background()
			offer := func(i int) {
				if err := c.Batch(ctx, storage.SetOperation(strconv.Itoa(i), request), storage.SetOperation("qmv0", meta)); err != nil {
					b.Fatal(err)
				}
			}
			for i := range queueDepth {
				offer(i)
			}
			b.SetBytes(int64(len(request)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				offer(i + queueDepth)
				key := strconv.Itoa(i)
				got, err := c.Get(ctx, key)
				if err != nil || len(got) != len(request) {
					b.Fatalf("Get(%s) = %d bytes, %v", key, len(got), err)
				}
				if err := c.Batch(ctx, storage.DeleteOperation(key), storage.SetOperation("qmv0", meta)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
