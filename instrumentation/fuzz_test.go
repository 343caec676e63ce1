package instrumentation

import (
	"bytes"
	"os"
	"path/filepath"
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

// FuzzRequestParsers: no request body makes a parser panic.
func FuzzRequestParsers(f *testing.F) {
	seedFixtures(f)
	cfg := &config{streamUsage: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range allCodecs {
			var req Request
			err := c.parseRequest(body, &req, true)
			if rw, ok := c.(requestRewriter); ok {
				// The combined call must equal the two separate steps.
				want := rw.rewriteRequest(body, cfg)
				var req2 Request
				got, err2 := rw.parseAndRewrite(body, &req2, &config{streamUsage: true, captureContent: true})
				if !bytes.Equal(got, want) || (err == nil) != (err2 == nil) {
					t.Fatalf("parseAndRewrite: %s (%v), separate: %s (%v)", got, err2, want, err)
				}
			}
		}
	})
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
