package gemini

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall/llmcalltest"
)

var codecs = []llmcall.Codec{GenerateContent{}, EmbedContent{}}

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

// FuzzParseRequestOnePass: the one-pass request decode fills the request
// exactly as the decode in steps does, and fails with the same error.
func FuzzParseRequestOnePass(f *testing.F) {
	llmcalltest.Seed(f, "../../testdata")
	f.Fuzz(func(t *testing.T, body []byte) {
		var got, want llmcall.Request
		gotErr, wantErr := codecs[0].ParseRequest(body, &got, true), parseRequestInSteps(body, &want, true)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\none pass %+v (%v)\nin steps %+v (%v)", body, got, gotErr, want, wantErr)
		}
	})
}
