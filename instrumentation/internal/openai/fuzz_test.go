package openai

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall/llmcalltest"
)

var codecs = []llmcall.Codec{Completions{Chat: true}, Completions{}, Embeddings{}, Responses{}}

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

// FuzzRewriteRequest: include_usage is added exactly to the bodies the
// reference (a rewrite through encoding/json maps) changes, giving the same
// JSON value, and every byte of the caller's body around the insertion is
// kept.
func FuzzRewriteRequest(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","stream":true}`, `{"stream":true,"stream_options":null}`,
		`{"stream":true,"stream_options":{ }}`, `{"stream":true,"stream_options":{"include_usage":false}}`,
		`{"stream":true,"stream_options":{"x":{"include_usage":1}}}`, `{"stream":true,"stream_options":[]}`,
		`{"stream":true,"stream":false}`, `{"stream":false,"stream":true, "stream_options":{"a":1},"stream_options":null}`,
		`{"str\u0065am":true}`, ` {"stream" : true } `, `null`, `{"stream":true,"x":"\u00e9<>"}`,
		`{"stream":true} {}`, `{"stream":true,"stream_options":{"include_\u0075sage":false}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want []byte
		if bytes.Contains(body, []byte(`"stream"`)) { // the pre-check both share
			want = referenceRewrite(body)
		}
		got := Completions{Chat: true}.RewriteRequest(body)
		if (got == nil) != (want == nil) {
			t.Fatalf("%s: got %s, reference %s", body, got, want)
		}
		if got == nil {
			return
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: rewritten body invalid: %v: %s", body, err, got)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("%s:\ngot       %s\nreference %s", body, got, want)
		}
		// The caller's bytes are a prefix and a suffix of the result.
		pre := 0
		for pre < len(body) && pre < len(got) && body[pre] == got[pre] {
			pre++
		}
		suf := 0
		for suf < len(body)-pre && suf < len(got)-pre && body[len(body)-1-suf] == got[len(got)-1-suf] {
			suf++
		}
		if removed := len(body) - pre - suf; removed != 0 && string(body[pre:pre+removed]) != "null" {
			t.Fatalf("%s: rewrite removed %q: %s", body, body[pre:pre+removed], got)
		}
	})
}

// referenceRewrite is include_usage insertion through encoding/json maps
// (sorted keys, compacted): what RewriteRequest must produce, as a JSON value.
func referenceRewrite(body []byte) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || string(obj["stream"]) != "true" {
		return nil
	}
	opts := map[string]json.RawMessage{}
	if raw, ok := obj["stream_options"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &opts) != nil {
			return nil
		}
		if _, ok := opts["include_usage"]; ok {
			return nil
		}
	}
	opts["include_usage"] = json.RawMessage("true")
	enc, err := json.Marshal(opts)
	if err != nil {
		return nil
	}
	obj["stream_options"] = enc
	out, err := json.Marshal(obj)
	if err != nil {
		return nil
	}
	return out
}
