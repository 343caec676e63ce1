package instrumentation

import (
	"errors"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// sink observes the bytes of a response body as the caller reads them and
// turns them into the call's outcome at the end.
type sink interface {
	write(p []byte)
	// finish returns the response and the error of the call. readErr is the
	// read error that ended the body (nil at EOF); closed reports that the
	// caller closed the body before EOF.
	finish(readErr error, closed bool) (*llmcall.Response, error)
}

// observedBody passes a response body through unchanged, byte for byte and
// read for read, feeding a sink and ending the inference at EOF, on a read
// error or on Close, whichever comes first.
type observedBody struct {
	rc   io.ReadCloser
	mu   sync.Mutex
	sink sink
	in   *Inference
	done bool
}

func (b *observedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	if !b.done {
		if n > 0 {
			b.sink.write(p[:n])
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				b.finishLocked(nil, false)
			} else {
				b.finishLocked(err, false)
			}
		}
	}
	b.mu.Unlock()
	return n, err
}

func (b *observedBody) Close() error {
	err := b.rc.Close()
	b.mu.Lock()
	if !b.done {
		b.finishLocked(nil, true)
	}
	b.mu.Unlock()
	return err
}

func (b *observedBody) finishLocked(readErr error, closed bool) {
	b.done = true
	resp, err := b.sink.finish(readErr, closed)
	b.in.end(resp, err)
}

// captureSink keeps up to limit bytes of a whole body and parses them at the
// end with codec.
type captureSink struct {
	buf      []byte
	limit    int
	overflow int
	status   int // HTTP status of an error response; codec is unused then
	codec    llmcall.Codec
	capture  bool // content capture for codec.ParseResponse
	in       *Inference
}

// reserve sizes the buffer for a body of n bytes (its Content-Length).
func (c *captureSink) reserve(n int) { c.buf = make([]byte, 0, min(n, c.limit)) }

func (c *captureSink) write(p []byte) {
	if room := c.limit - len(c.buf); len(p) > room {
		c.overflow += len(p) - max(room, 0)
		p = p[:max(room, 0)]
	}
	c.buf = append(c.buf, p...)
}

func (c *captureSink) finish(readErr error, closed bool) (*llmcall.Response, error) {
	if c.status >= 400 {
		return nil, &statusError{code: c.status, message: errorMessage(c.buf)}
	}
	if readErr != nil {
		return nil, readErr
	}
	if c.overflow > 0 {
		c.in.problem("response body larger than the parse bound; response not parsed")
		return nil, nil
	}
	resp, err := c.codec.ParseResponse(c.buf, c.capture)
	if err != nil && closed {
		return nil, &llmcall.Error{Type: ErrorTypeAborted, Message: "response body closed before it was fully read"}
	}
	return resp, err
}

// streamSink parses a streamed (SSE) body event by event.
type streamSink struct {
	sse     llmcall.SSEParser
	acc     llmcall.Stream
	in      *Inference
	events  int
	ttfc    time.Duration // from the start of the call to the first event
	lastErr error
}

func newStreamSink(acc llmcall.Stream, in *Inference, limit int) *streamSink {
	s := &streamSink{acc: acc, in: in}
	s.sse = llmcall.SSEParser{Limit: limit, Emit: s.event}
	return s
}

func (s *streamSink) event(name string, data []byte) {
	if s.events == 0 {
		s.ttfc = time.Since(s.in.start)
	}
	s.events++
	if err := s.acc.Event(name, data); err != nil && s.lastErr == nil {
		s.lastErr = err
	}
}

func (s *streamSink) write(p []byte) { s.sse.Feed(p) }

func (s *streamSink) finish(readErr error, closed bool) (*llmcall.Response, error) {
	if readErr == nil && !closed {
		s.sse.Flush()
	}
	resp := s.acc.Response()
	resp.TimeToFirstChunk = s.ttfc
	if s.sse.Dropped > 0 {
		s.in.problem("stream events larger than the parse bound were skipped")
	}
	if s.lastErr != nil {
		s.in.problem("stream: " + s.lastErr.Error())
	}
	switch {
	case readErr != nil:
		return resp, readErr
	case s.acc.Failure() != nil:
		return resp, s.acc.Failure()
	case s.acc.Done():
		return resp, nil
	case closed:
		return resp, &llmcall.Error{Type: ErrorTypeAborted, Message: "stream closed by the client after " + strconv.Itoa(s.events) + " events, before completion"}
	}
	s.in.problem("stream ended without a completion event")
	return resp, nil
}
