package instrumentation

import (
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

const (
	// ScopeName is the instrumentation scope name of every span and metric
	// this package records.
	ScopeName = "github.com/kaizenhq/kaizen/instrumentation"

	// DefaultMaxContentBytes is the default bound, in bytes, of each content
	// attribute (gen_ai.system_instructions, gen_ai.input.messages,
	// gen_ai.output.messages).
	DefaultMaxContentBytes = 256 << 10

	// DefaultMaxParseBytes is the default bound, in bytes, of a request or
	// response body (or of one streamed event) that is parsed for telemetry.
	// Larger bodies still pass through untouched; only their telemetry is
	// reduced, and the span says so in kaizen.capture.error.
	DefaultMaxParseBytes = 8 << 20

	// CaptureContentEnv is the environment variable that turns content
	// capture off when set to "false" (content capture is on by default).
	CaptureContentEnv = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
)

// Version returns the version of this instrumentation library, recorded as the
// instrumentation scope version.
func Version() string { return "0.1.0" }

// Option configures [NewTransport], [StartWorkflow], [StartAgent], [StartTool]
// and [StartInference].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is the resolved configuration shared by every entry point.
type config struct {
	tracerProvider  trace.TracerProvider
	meterProvider   metric.MeterProvider
	captureContent  bool
	maxContentBytes int
	maxParseBytes   int
	streamUsage     bool
	providers       map[string]string
}

func newConfig(opts []Option) *config {
	c := &config{
		captureContent:  captureFromEnv(os.Getenv(CaptureContentEnv)),
		maxContentBytes: DefaultMaxContentBytes,
		maxParseBytes:   DefaultMaxParseBytes,
		streamUsage:     true,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	if c.tracerProvider == nil {
		c.tracerProvider = otel.GetTracerProvider()
	}
	return c
}

// captureFromEnv reports whether content capture is enabled for the given
// value of CaptureContentEnv: only an explicit false (any case) disables it.
func captureFromEnv(v string) bool {
	return !strings.EqualFold(strings.TrimSpace(v), "false")
}

func (c *config) tracer() trace.Tracer {
	return c.tracerProvider.Tracer(ScopeName, trace.WithInstrumentationVersion(Version()))
}

// WithTracerProvider sets the TracerProvider used to create spans. The default
// is the global provider, otel.GetTracerProvider().
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) { c.tracerProvider = tp })
}

// WithMeterProvider sets the MeterProvider used to record the
// gen_ai.client.token.usage and gen_ai.client.operation.duration metrics.
// Without it no metric is recorded.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.meterProvider = mp })
}

// WithContentCapture turns recording of gen_ai.system_instructions,
// gen_ai.input.messages and gen_ai.output.messages on or off. It overrides the
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT environment variable.
func WithContentCapture(enabled bool) Option {
	return optionFunc(func(c *config) { c.captureContent = enabled })
}

// WithMaxContentBytes bounds the size of each content attribute. Larger
// content is shortened, keeping the JSON valid, with the marker
// "…[truncated N bytes]" at each cut, and the attribute is listed in
// kaizen.content.truncated. Values below 1024 are raised to 1024.
func WithMaxContentBytes(n int) Option {
	return optionFunc(func(c *config) { c.maxContentBytes = max(n, 1024) })
}

// WithMaxParseBytes bounds how many bytes of a request body, a non-streaming
// response body or a single streamed event are kept for parsing (default
// DefaultMaxParseBytes). Values below 64 KiB are raised to 64 KiB.
func WithMaxParseBytes(n int) Option {
	return optionFunc(func(c *config) { c.maxParseBytes = max(n, 64<<10) })
}

// WithStreamUsage controls whether streaming OpenAI-compatible Chat
// Completions and Completions requests that do not set
// stream_options.include_usage get it added (the default, true), so that the
// final chunk reports token usage. Disable it for servers that reject
// stream_options.
func WithStreamUsage(enabled bool) Option {
	return optionFunc(func(c *config) { c.streamUsage = enabled })
}

// WithProviderName records provider as gen_ai.provider.name for requests sent
// to host (a host name, optionally with ":port"). Use it for gateways and
// self-hosted OpenAI-compatible servers (for example vLLM or Ollama), whose
// provider cannot be guessed from the host. It may be given several times.
func WithProviderName(host, provider string) Option {
	return optionFunc(func(c *config) {
		if c.providers == nil {
			c.providers = map[string]string{}
		}
		c.providers[strings.ToLower(host)] = provider
	})
}
