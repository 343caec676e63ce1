// Package sdktest proves github.com/kaizenhq/kaizen/instrumentation against
// the real provider SDKs (openai-go v3, google.golang.org/genai,
// anthropic-sdk-go v2) and benchmarks it against otelhttp.
//
// These tests live in the root module, not in the instrumentation module,
// because the SDKs and otelhttp need a newer Go than the instrumentation
// module supports; the instrumentation module's go.mod stays limited to the
// OpenTelemetry API and semconv. The fixtures are read from
// instrumentation/testdata, where the parsers' fuzz targets use them too.
package sdktest
