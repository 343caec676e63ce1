// Package llmcalltest holds the fuzz bodies shared by the provider codecs'
// fuzz targets, so that every codec package fuzzes its own parsers with the
// same checks and the same seeds.
package llmcalltest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// Seed adds every fixture of the instrumentation module's testdata directory
// (dir, relative to the calling package) and a few bodies with rarer content
// shapes to the corpus of f.
func Seed(f *testing.F, dir string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in %s: %v", dir, err)
	}
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],"stream":true}`))
	f.Add([]byte(`{"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"image/png","data":"AA"}}]}],"systemInstruction":{"parts":[{"text":"s"}]}}`))
	f.Add([]byte(`{"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"r"}]}]}`))
}

// FuzzRequests checks that no request body makes a codec panic, and that a
// body a codec accepts is valid JSON.
func FuzzRequests(f *testing.F, codecs ...llmcall.Codec) {
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range codecs {
			for _, capture := range []bool{true, false} {
				var req llmcall.Request
				if err := c.ParseRequest(body, &req, capture); err == nil && !json.Valid(body) {
					t.Fatalf("%T accepted invalid JSON %q", c, body)
				}
			}
		}
	})
}

// FuzzResponses checks that no response body makes a codec panic, and that
// the messages a codec returns encode as valid JSON.
func FuzzResponses(f *testing.F, codecs ...llmcall.Codec) {
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range codecs {
			resp, err := c.ParseResponse(body, true)
			if err != nil || resp == nil {
				continue
			}
			s, err := llmcall.EncodeJSON(resp.OutputMessages)
			if err != nil || !json.Valid([]byte(s)) {
				t.Fatalf("%T: output messages of %q encode to %q: %v", c, body, s, err)
			}
		}
	})
}

// FuzzStreams feeds any byte stream, in chunks of 7 bytes, through the SSE
// parser into every codec's stream accumulator; no event over the parser's
// limit reaches an accumulator (the parser's own memory bound is fuzzed by
// llmcall's FuzzSSEParser).
func FuzzStreams(f *testing.F, codecs ...llmcall.Codec) {
	f.Fuzz(func(t *testing.T, stream []byte) {
		for _, c := range codecs {
			acc := c.NewStream(true, 256)
			p := &llmcall.SSEParser{Limit: 4096, Emit: func(n string, d []byte) {
				if len(d) > 4096 {
					t.Fatalf("event of %d bytes over the limit", len(d))
				}
				_ = acc.Event(n, d)
			}}
			for i := 0; i < len(stream); i += 7 {
				p.Feed(stream[i:min(i+7, len(stream))])
			}
			p.Flush()
			acc.Response()
			acc.Done()
		}
	})
}

// CheckUsage parses body with c and compares the usage with want; a count
// not reported (nil) differs from 0.
func CheckUsage(t *testing.T, c llmcall.Codec, body string, want llmcall.Usage) {
	t.Helper()
	resp, err := c.ParseResponse([]byte(body), true)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Usage == nil {
		t.Fatal("no usage")
	}
	// DeepEqual compares the counts behind the pointers.
	if !reflect.DeepEqual(*resp.Usage, want) {
		t.Errorf("got %s, want %s", usageString(*resp.Usage), usageString(want))
	}
}

// usageString prints the counts of u in field order, "-" for those not
// reported.
func usageString(u llmcall.Usage) string {
	s := "["
	for i, p := range []*int64{u.InputTokens, u.OutputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.ReasoningOutputTokens} {
		if i > 0 {
			s += " "
		}
		if p == nil {
			s += "-"
		} else {
			s += strconv.FormatInt(*p, 10)
		}
	}
	return s + "]"
}
