package e2e

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// BulkLoad is make bench-collector's load: Spans spans (rounded down to
// whole requests) in requests of PerRequest spans from Batches, sent by
// Senders concurrent goroutines.
type BulkLoad struct {
	Spans, PerRequest, Senders int
	Batches                    *Batches
}

// Requests is the number of requests the load sends.
func (l BulkLoad) Requests() int { return l.Spans / l.PerRequest }

// Send exports the load to the OTLP gRPC endpoint, retrying a refused
// request (a full queue) every 50 ms until it is accepted or ctx ends. It
// returns the number of retries.
func (l BulkLoad) Send(ctx context.Context, endpoint string) (int64, error) {
	s, err := NewSender(endpoint)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var left atomic.Int64
	left.Store(int64(l.Requests()))
	var retries atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, l.Senders)
	for i := range l.Senders {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				b := l.Batches.Next(l.PerRequest)
				for {
					err := s.Send(ctx, b.Traces)
					if err == nil {
						break
					}
					if ctx.Err() != nil {
						errs[i] = fmt.Errorf("send: %w (last error %v)", ctx.Err(), err)
						return
					}
					retries.Add(1)
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	return retries.Load(), errors.Join(errs...)
}
