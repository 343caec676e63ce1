package anthropic

import (
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall/llmcalltest"
)

var codecs = []llmcall.Codec{Messages{}}

// FuzzRequestParsers: no request body makes a parser panic, and a body a
// parser accepts is valid JSON.
func FuzzRequestParsers(f *testing.F) {
	llmcalltest.Seed(f, "../../testdata")
	llmcalltest.FuzzRequests(f, codecs...)
}

// FuzzResponseParsers: no response body makes a parser panic, and the output
// messages encode as valid JSON.
func FuzzResponseParsers(f *testing.F) {
	llmcalltest.Seed(f, "../../testdata")
	llmcalltest.FuzzResponses(f, codecs...)
}

// FuzzSSE: any byte stream, in any chunking, through every stream
// accumulator.
func FuzzSSE(f *testing.F) {
	llmcalltest.Seed(f, "../../testdata")
	llmcalltest.FuzzStreams(f, codecs...)
}
