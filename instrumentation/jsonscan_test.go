package instrumentation

import (
	"bytes"
	"encoding/json"
	"mime"
	"os"
	"reflect"
	"testing"
)

// fastSeeds are inputs that exercise the corners where encoding/json has
// particular semantics.
var fastSeeds = []string{
	`{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"temperature":0.5}`,
	`{"model":"m\u00e9\n\"q\"","messages":[{"role":"user","content":"a\ud83d\ude00b\ud800c\/\t"}]}`,
	`{"Model":"case","messages":[]}`,
	`{"mod\u0065l":"escaped key"}`,
	`{"model":"a","model":"b","max_tokens":1,"max_tokens":null}`,
	`{"messages":[{"role":"a"}],"messages":[{"role":"b"}]}`,
	`{"messages":null,"messages":[{"role":"b","tool_calls":[]}]}`,
	`{"max_tokens":1.5}`, `{"max_tokens":1e3}`, `{"max_tokens":-0}`, `{"temperature":1e400}`,
	`{"seed":9223372036854775808}`, `{"stream":"yes"}`, `{"stream":null}`, `{"model":5}`,
	`{"stream_options":{"include_usage":true}}`, `{"stream_options":{"include_usage":null}}`,
	`{"stream_options":null,"stream_options":{}}`,
	`null`, ` {} `, `[]`, `{"a":[1,2,{"b":null}],"c":true}x`, `{"a":01}`, `{"a":1.}`, `{"a":"\x01"}`,
	"{\"model\":\"\xff\xfe\"}", `{"model":"\u212a"}`, "{\"max_to\u212aens\":1}", `{"a":"\u00"}`,
	`{"id":"x","choices":[{"index":0,"delta":{"content":"hi","tool_calls":[{"index":1,"id":"c","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}],"usage":null}`,
	`{"choices":[{"message":{"role":"assistant","content":null,"refusal":"no"},"text":"t","finish_reason":"stop"}],"usage":{"prompt_tokens":3,"prompt_tokens_details":{"cached_tokens":1},"completion_tokens_details":{"reasoning_tokens":2}}}`,
	`{"usage":{"prompt_tokens":1},"usage":{"completion_tokens":2}}`,
	`{"error":{"type":"server_error","message":"boom"}}`, `{"error":"string"}`,
	`{"choices":[{"message":null,"message":{"function_call":{"name":"f"}}}]}`,
}

// FuzzFastDecode is the differential proof of the fast decoders: whenever
// they accept an input, encoding/json accepts it too and produces exactly
// the same structs; when encoding/json rejects an input, they reject it.
func FuzzFastDecode(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	seedFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, withMessages := range []bool{true, false} {
			var fast, slow oaRequestWithMessages
			var target any = &slow.oaRequest
			if withMessages {
				target = &slow
			}
			errJSON := json.Unmarshal(data, target)
			if fastOARequest(data, &fast, withMessages) {
				checkPlain(t, fast.Messages)
				if errJSON != nil {
					t.Fatalf("request accepted by the fast path, rejected by encoding/json: %v", errJSON)
				}
				if !reflect.DeepEqual(fast, slow) {
					t.Fatalf("request (messages %v) differs:\nfast %+v\njson %+v", withMessages, fast, slow)
				}
			}
		}
		var fast, slow oaResponse
		errJSON := json.Unmarshal(data, &slow)
		if fastOAResponse(data, &fast, nil) {
			for i := range fast.Choices {
				for _, m := range []*oaMessage{fast.Choices[i].Message, fast.Choices[i].Delta} {
					if m != nil {
						checkPlain(t, []oaMessage{*m})
						m.plain = false
					}
				}
			}
			if errJSON != nil {
				t.Fatalf("response accepted by the fast path, rejected by encoding/json: %v", errJSON)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("response differs:\nfast %+v\njson %+v", fast, slow)
			}
		}
		var s string
		errJSON = json.Unmarshal(data, &s)
		if got, ok := rawContent(bytes.TrimSpace(data)).text(); ok && (errJSON != nil || got != s) {
			t.Fatalf("string %q: fast %q, json %q (%v)", data, got, s, errJSON)
		}
	})
}

// checkPlain verifies the plain flags of decoded messages (content text
// taken without a second scan equals the decoded string) and clears them for
// the comparison with encoding/json, which does not set them.
func checkPlain(t *testing.T, msgs []oaMessage) {
	t.Helper()
	for i := range msgs {
		m := &msgs[i]
		if !m.plain {
			continue
		}
		got, _ := m.contentText()
		m.plain = false
		var want string
		if err := json.Unmarshal(m.Content, &want); err != nil || got != want {
			t.Fatalf("plain content %q: got %q want %q (%v)", m.Content, got, want, err)
		}
	}
}

// TestFastDecodeAccepts makes sure the fast path really serves the common
// bodies (a silent fallback would only show as lost speed).
func TestFastDecodeAccepts(t *testing.T) {
	for _, name := range []string{"openai_chat.json", "openai_chat_tools.json"} {
		var r oaResponse
		if !fastOAResponse(readFixture(t, name), &r, nil) {
			t.Errorf("%s: fast path refused", name)
		}
	}
	for _, name := range []string{"openai_chat_stream.sse", "openai_chat_stream_200.sse"} {
		n := 0
		p := &sseParser{limit: 1 << 20, emit: func(_ string, data []byte) {
			if !bytes.Equal(data, doneMarker) {
				var r oaResponse
				if !fastOAResponse(data, &r, nil) {
					t.Errorf("%s: fast path refused %s", name, data)
				}
				n++
			}
		}}
		p.feed(readFixture(t, name))
		p.flush()
		if n == 0 {
			t.Errorf("%s: no chunk", name)
		}
	}
	for _, s := range fastSeeds[:2] {
		var r oaRequestWithMessages
		if !fastOARequest([]byte(s), &r, true) {
			t.Errorf("fast path refused %s", s)
		}
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzRewriteRequest is the differential proof of the in-place
// include_usage insertion: it rewrites exactly the bodies the reference
// (encoding/json maps) rewrites, into the same JSON value.
func FuzzRewriteRequest(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","stream":true}`, `{"stream":true,"stream_options":null}`,
		`{"stream":true,"stream_options":{ }}`, `{"stream":true,"stream_options":{"include_usage":false}}`,
		`{"stream":true,"stream_options":{"x":{"include_usage":1}}}`, `{"stream":true,"stream_options":[]}`,
		`{"stream":true,"stream":false}`, `{"stream":false,"stream":true, "stream_options":{"a":1},"stream_options":null}`,
		`{"str\u0065am":true}`, ` {"stream" : true } `, `null`, `{"stream":true,"x":"\u00e9<>"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want []byte
		if bytes.Contains(body, []byte(`"stream"`)) { // the pre-check both share
			want = rewriteRequestSlow(body)
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
	})
}

// TestSpecialFinder checks the finder against the byte table for every
// byte value at every position, several special bytes in a row included.
func TestSpecialFinder(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 20; pos++ {
			b := bytes.Repeat([]byte{'a'}, 24)
			b[pos] = byte(c)
			b[(pos*7+3)%24] = '"'
			b[(pos*5+11)%24] = '\\'
			f := newSpecialFinder()
			for i := 0; i < len(b); i++ {
				want := i
				for want < len(b) && strSafe[b[want]] {
					want++
				}
				got := f.next(b, i)
				if got != want {
					t.Fatalf("%q from %d: got %d want %d", b, i, got, want)
				}
				i = got
			}
		}
	}
}

// TestIsEventStream pins the fast media-type check to mime.ParseMediaType.
func TestIsEventStream(t *testing.T) {
	for _, ct := range []string{"text/event-stream", " Text/Event-Stream ", "text/event-stream; charset=utf-8",
		"text/event-stream; charset", "application/json", "application/json; charset=utf-8", "", "text/event-streams",
		"text/event-ſtream", "text/event-stream;", "text/event-stream ; x=\"y\""} {
		mt, _, err := mime.ParseMediaType(ct)
		if want := err == nil && mt == "text/event-stream"; isEventStream(ct) != want {
			t.Errorf("%q: got %v want %v", ct, !want, want)
		}
	}
}
