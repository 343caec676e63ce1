package gemini

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// retryTransport retries a request on HTTP 429 and 5xx with exponential
// backoff, waiting at least what a Retry-After header asks. It sits under the
// genai client, so the SDK's own request building and error decoding stay
// untouched; the final failed response is handed to the SDK, which turns it
// into a genai.APIError. One transport serves every analysis of a Client;
// the HTTP requests of one analysis are counted in the attemptCounter its
// context carries (withAttemptCounter), so concurrent analyses on one
// client each count their own.
type retryTransport struct {
	base        http.RoundTripper
	maxAttempts int
	backoff     time.Duration
	maxDelay    time.Duration
	onRetry     func(attempt int, status int, wait time.Duration)
}

// attemptCounter counts the HTTP requests made for one analysis.
type attemptCounter struct{ n atomic.Int64 }

// load returns the number of requests counted so far.
func (c *attemptCounter) load() int { return int(c.n.Load()) }

type attemptCounterKey struct{}

// withAttemptCounter returns a context whose HTTP requests through a
// retryTransport are counted in the returned counter.
func withAttemptCounter(ctx context.Context) (context.Context, *attemptCounter) {
	c := &attemptCounter{}
	return context.WithValue(ctx, attemptCounterKey{}, c), c
}

// countAttempt counts one HTTP request in the counter ctx carries, if any.
func countAttempt(ctx context.Context) {
	if c, ok := ctx.Value(attemptCounterKey{}).(*attemptCounter); ok {
		c.n.Add(1)
	}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	delay := t.backoff
	for attempt := 1; ; attempt++ {
		countAttempt(ctx)
		r := req
		if attempt > 1 {
			if req.GetBody == nil && req.Body != nil {
				return nil, fmt.Errorf("retry Gemini request: body cannot be replayed")
			}
			r = req.Clone(ctx)
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, fmt.Errorf("retry Gemini request: rewind body: %w", err)
				}
				r.Body = body
			}
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil || !retryable(resp.StatusCode) || attempt >= t.maxAttempts {
			return resp, err
		}
		wait := delay
		if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && ra > wait {
			wait = ra
		}
		if wait > t.maxDelay {
			wait = t.maxDelay
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			// Waiting would outlive the timeout: report this answer now.
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		if t.onRetry != nil {
			t.onRetry(attempt, resp.StatusCode, wait)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		delay *= 2
	}
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// retryAfter parses a Retry-After value: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e6 {
		return time.Duration(s * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		d := at.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
