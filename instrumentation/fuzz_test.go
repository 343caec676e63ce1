package instrumentation

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var allCodecs = []codec{openaiCodec{chat: true}, openaiCodec{}, openaiEmbedCodec{}, responsesCodec{}, geminiCodec{}, geminiEmbedCodec{}, anthropicCodec{}}

func seedFixtures(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],"stream":true}`))
	f.Add([]byte(`{"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"image/png","data":"AA"}}]}],"systemInstruction":{"parts":[{"text":"s"}]}}`))
	f.Add([]byte(`{"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"r"}]}]}`))
}

// FuzzRequestParsers: no request body makes a parser panic, and a body a
// parser accepts is valid JSON.
func FuzzRequestParsers(f *testing.F) {
	seedFixtures(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range allCodecs {
			for _, capture := range []bool{true, false} {
				var req Request
				if err := c.parseRequest(body, &req, capture); err == nil && !json.Valid(body) {
					t.Fatalf("%T accepted invalid JSON %q", c, body)
				}
			}
		}
	})
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
		got := openaiCodec{chat: true}.rewriteRequest(body, &config{streamUsage: true})
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
// (sorted keys, compacted): what rewriteRequest must produce, as a JSON value.
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

// FuzzResponseParsers: no response body makes a parser panic, and content
// encoding stays within its bound.
func FuzzResponseParsers(f *testing.F) {
	seedFixtures(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range allCodecs {
			resp, err := c.parseResponse(body, true)
			if err != nil || resp == nil {
				continue
			}
			if s, _, err := encodeMessages(resp.OutputMessages, 1024); err == nil && len(s) > 1024 {
				t.Fatalf("encoded %d bytes over the bound", len(s))
			}
		}
	})
}

// FuzzSSE: any byte stream, in any chunking, through every stream
// accumulator; memory stays bounded by the parser limit.
func FuzzSSE(f *testing.F) {
	seedFixtures(f)
	f.Fuzz(func(t *testing.T, stream []byte) {
		for _, c := range allCodecs {
			acc := c.newStream(true, 256)
			p := &sseParser{limit: 4096, emit: func(n string, d []byte) {
				if len(d) > 4096 {
					t.Fatalf("event of %d bytes over the limit", len(d))
				}
				_ = acc.event(n, d)
			}}
			for i := 0; i < len(stream); i += 7 {
				p.feed(stream[i:min(i+7, len(stream))])
				if len(p.line) > 4096 || len(p.data) > 4096 {
					t.Fatalf("parser holds %d+%d bytes", len(p.line), len(p.data))
				}
			}
			p.flush()
			acc.response()
			acc.done()
		}
	})
}
