package instrumentation

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// maxErrorBody bounds how much of an error response body is kept to find the
// provider's error message.
const maxErrorBody = 64 << 10

// transport is the http.RoundTripper returned by NewTransport.
type transport struct {
	base http.RoundTripper
	rec  *Recorder
}

// NewTransport returns an http.RoundTripper that records one GenAI CLIENT span
// per recognized inference call sent through base (http.DefaultTransport when
// nil) and passes every other request through untouched. Use it as the
// Transport of the http.Client given to an LLM SDK.
//
// Request and response bytes reach base and the caller unchanged, with one
// exception that is on by default: streaming OpenAI-compatible Chat
// Completions and Completions requests get stream_options.include_usage
// (see [WithStreamUsage]). Streamed responses are observed as the caller reads
// them, without buffering; the span ends when the body reaches EOF, fails, or
// is closed.
func NewTransport(base http.RoundTripper, opts ...Option) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{base: base, rec: NewRecorder(opts...)}
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	cfg := t.rec.cfg
	ep, ok := detect(r, cfg)
	if !ok {
		return t.base.RoundTrip(r)
	}
	req := &llmcall.Request{
		Operation:     ep.operation,
		Provider:      ep.provider,
		Stream:        ep.stream,
		ServerAddress: hostname(r.URL.Host),
		ServerPort:    serverPort(r.URL.Host, r.URL.Scheme),
	}
	var problems []string
	body, replacement, complete := readRequestBody(r, cfg.maxParseBytes)
	if complete {
		if err := ep.codec.ParseRequest(body, req, cfg.captureContent); err != nil {
			problems = append(problems, "request: "+err.Error())
		}
		if rw, ok := ep.codec.(llmcall.RequestRewriter); ok && cfg.streamUsage {
			if nb := rw.RewriteRequest(body); nb != nil {
				body = nb
			}
		}
	} else if r.Body != nil && r.Body != http.NoBody {
		problems = append(problems, "request body not parsed: larger than the parse bound or unreadable")
	}
	if req.Model == "" {
		req.Model = ep.model
	}
	req.Stream = req.Stream || ep.stream

	ctx, in := t.rec.start(r.Context(), req, newRedactor(r.Header, r.URL))
	for _, p := range problems {
		in.problem(p)
	}
	out := r.WithContext(ctx)
	if _, ok := ctx.Deadline(); ok && out.Cancel != nil { //nolint:staticcheck // clearing the deprecated field is the point
		// http.Client arms the deprecated Cancel channel as well as the
		// context deadline when the RoundTripper is not an *http.Transport.
		// The deadline alone already cancels the request; dropping the
		// channel lets the caller see the same error ("context deadline
		// exceeded") as without this transport.
		out.Cancel = nil //nolint:staticcheck // see above
	}
	if complete && body != nil {
		setBody(out, body)
	} else if !complete {
		out.Body = replacement
	}

	resp, err := t.base.RoundTrip(out)
	if err != nil {
		in.end(nil, err)
		return resp, err
	}
	t.observe(resp, ep, in)
	return resp, nil
}

// observe wraps the response body so that the inference ends with it.
func (t *transport) observe(resp *http.Response, ep endpoint, in *Inference) {
	cfg := t.rec.cfg
	var s sink
	switch {
	case resp.StatusCode >= 400:
		s = &captureSink{limit: maxErrorBody, status: resp.StatusCode, in: in}
	case resp.StatusCode >= 300 || resp.Body == nil || resp.Body == http.NoBody:
		in.end(nil, nil)
		return
	case isEventStream(resp.Header.Get("Content-Type")):
		s = newStreamSink(ep.codec.NewStream(cfg.captureContent, cfg.maxContentBytes), in, cfg.maxParseBytes)
	default:
		s = &captureSink{limit: cfg.maxParseBytes, in: in, codec: ep.codec, capture: cfg.captureContent}
	}
	if c, ok := s.(*captureSink); ok && resp.ContentLength > 0 {
		c.reserve(int(min(resp.ContentLength, int64(c.limit))))
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		resp, err := s.finish(nil, false)
		in.end(resp, err)
		return
	}
	resp.Body = &observedBody{rc: resp.Body, sink: s, in: in}
}

// isEventStream reports whether contentType is a valid text/event-stream
// media type.
func isEventStream(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "text/event-stream"
}

// readRequestBody reads the request body for parsing. complete is false when
// the body is larger than limit or could not be read; replacement then yields
// exactly the original bytes and error, to be sent instead of r.Body.
func readRequestBody(r *http.Request, limit int) (body []byte, replacement io.ReadCloser, complete bool) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil, true
	}
	orig := r.Body
	size := 512
	if r.ContentLength > 0 && r.ContentLength <= int64(limit) {
		size = int(r.ContentLength) + 1 // +1: the read that sees EOF needs no growth
	}
	body, err := readAll(orig, size, limit+1)
	if err == nil && len(body) <= limit {
		_ = orig.Close() // fully read: nothing is lost if closing fails
		return body, nil, true
	}
	rest := io.Reader(orig)
	if err != nil {
		rest = errReader{err}
	}
	return nil, readCloser{io.MultiReader(bytes.NewReader(body), rest), orig}, false
}

// readAll is io.ReadAll(io.LimitReader(r, limit)) with an initial buffer
// capacity.
func readAll(r io.Reader, size, limit int) ([]byte, error) {
	b := make([]byte, 0, min(size, limit))
	for len(b) < limit {
		n, err := r.Read(b[len(b):min(cap(b), limit)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the next capacity
		}
	}
	return b, nil
}

// setBody makes body the request body, replayable through GetBody.
func setBody(r *http.Request, body []byte) {
	r.Body = newBytesBody(body)
	r.GetBody = func() (io.ReadCloser, error) { return newBytesBody(body), nil }
	r.ContentLength = int64(len(body))
}

// bytesBody is a request body over bytes, in one allocation.
type bytesBody struct{ bytes.Reader }

func newBytesBody(b []byte) *bytesBody {
	r := &bytesBody{}
	r.Reset(b)
	return r
}

func (*bytesBody) Close() error { return nil }

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// errorMessage extracts the provider's error message from an error body
// (OpenAI, Anthropic and Gemini all use {"error":{"message":...}}), falling
// back to the start of the body text.
func errorMessage(body []byte) string {
	var e struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil {
		var inner struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(e.Error, &inner) == nil && inner.Message != "":
			return inner.Message
		case json.Unmarshal(e.Error, &s) == nil && s != "":
			return s
		case e.Message != "":
			return e.Message
		}
	}
	text := strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD"))
	if len(text) > 512 {
		text = text[:llmcall.RuneCut(text, 512)] + "…"
	}
	return text
}
