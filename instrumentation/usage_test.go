package instrumentation

import (
	"encoding/json"
	"reflect"
	"testing"
)

func i64(v int64) *int64 { return &v }

// TestTokenMapping checks the semconv token totals of every provider: input
// includes cached tokens, output includes reasoning tokens.
func TestTokenMapping(t *testing.T) {
	type want struct{ in, out, cacheRead, cacheWrite, reasoning *int64 }
	cases := []struct {
		name  string
		codec codec
		body  string
		want  want
	}{
		{"openai no cache", openaiCodec{chat: true}, `{"usage":{"prompt_tokens":100,"completion_tokens":20}}`, want{i64(100), i64(20), nil, nil, nil}},
		{"openai cache read", openaiCodec{chat: true}, `{"usage":{"prompt_tokens":2000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":1920}}}`, want{i64(2000), i64(20), i64(1920), nil, nil}},
		{"openai reasoning", openaiCodec{chat: true}, `{"usage":{"prompt_tokens":50,"completion_tokens":900,"completion_tokens_details":{"reasoning_tokens":832}}}`, want{i64(50), i64(900), nil, nil, i64(832)}},
		{"openai tool calls", openaiCodec{chat: true}, `{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":80,"completion_tokens":15,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}`, want{i64(80), i64(15), i64(0), nil, i64(0)}},
		{"deepseek cache hit", openaiCodec{chat: true}, `{"usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_cache_hit_tokens":768,"prompt_cache_miss_tokens":232}}`, want{i64(1000), i64(10), i64(768), nil, nil}},
		{"openai completions", openaiCodec{}, `{"choices":[{"text":"x","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":7}}`, want{i64(5), i64(7), nil, nil, nil}},
		{"responses cache+reasoning", responsesCodec{}, `{"status":"completed","usage":{"input_tokens":3000,"input_tokens_details":{"cached_tokens":2048},"output_tokens":700,"output_tokens_details":{"reasoning_tokens":640}}}`, want{i64(3000), i64(700), i64(2048), nil, i64(640)}},
		{"responses tool call", responsesCodec{}, `{"status":"completed","output":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"}],"usage":{"input_tokens":30,"output_tokens":9}}`, want{i64(30), i64(9), nil, nil, nil}},
		{"anthropic no cache", anthropicCodec{}, `{"usage":{"input_tokens":100,"output_tokens":30}}`, want{i64(100), i64(30), nil, nil, nil}},
		{"anthropic cache read", anthropicCodec{}, `{"usage":{"input_tokens":10,"cache_read_input_tokens":5000,"cache_creation_input_tokens":0,"output_tokens":30}}`, want{i64(5010), i64(30), i64(5000), i64(0), nil}},
		{"anthropic cache write", anthropicCodec{}, `{"usage":{"input_tokens":10,"cache_creation_input_tokens":4000,"output_tokens":30}}`, want{i64(4010), i64(30), nil, i64(4000), nil}},
		{"anthropic tool use", anthropicCodec{}, `{"content":[{"type":"tool_use","id":"t","name":"f","input":{}}],"stop_reason":"tool_use","usage":{"input_tokens":400,"output_tokens":60}}`, want{i64(400), i64(60), nil, nil, nil}},
		{"gemini no cache", geminiCodec{}, `{"usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20}}`, want{i64(100), i64(20), nil, nil, nil}},
		{"gemini cache read", geminiCodec{}, `{"usageMetadata":{"promptTokenCount":5000,"cachedContentTokenCount":4096,"candidatesTokenCount":20}}`, want{i64(5000), i64(20), i64(4096), nil, nil}},
		{"gemini thoughts", geminiCodec{}, `{"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":40,"thoughtsTokenCount":250}}`, want{i64(10), i64(290), nil, nil, i64(250)}},
		{"gemini tool use prompt", geminiCodec{}, `{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":60,"toolUsePromptTokenCount":15,"candidatesTokenCount":8}}`, want{i64(75), i64(8), nil, nil, nil}},
		{"gemini embed vertex", geminiEmbedCodec{}, `{"embeddings":[{"values":[1],"statistics":{"token_count":7}},{"values":[1],"statistics":{"token_count":5}}]}`, want{i64(12), nil, nil, nil, nil}},
		{"openai embeddings", openaiEmbedCodec{}, `{"model":"e","usage":{"prompt_tokens":8,"total_tokens":8}}`, want{i64(8), nil, nil, nil, nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := tc.codec.parseResponse([]byte(tc.body), true)
			if err != nil {
				t.Fatal(err)
			}
			u := resp.Usage
			if u == nil {
				t.Fatal("no usage")
			}
			got := want{u.InputTokens, u.OutputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.ReasoningOutputTokens}
			if !reflect.DeepEqual(deref(got), deref(tc.want)) {
				t.Errorf("got %+v, want %+v", deref(got), deref(tc.want))
			}
		})
	}
}

func deref(w struct{ in, out, cacheRead, cacheWrite, reasoning *int64 }) []any {
	var out []any
	for _, p := range []*int64{w.in, w.out, w.cacheRead, w.cacheWrite, w.reasoning} {
		if p == nil {
			out = append(out, nil)
		} else {
			out = append(out, *p)
		}
	}
	return out
}

// TestStreamUsageRewrite covers stream_options.include_usage injection.
func TestStreamUsageRewrite(t *testing.T) {
	cfg := &config{streamUsage: true}
	cases := []struct{ in, want string }{
		{`{"model":"m","stream":true}`, `{"model":"m","stream":true,"stream_options":{"include_usage":true}}`},
		{`{"model":"m","stream":true,"stream_options":{"x":1}}`, `{"model":"m","stream":true,"stream_options":{"include_usage":true,"x":1}}`},
		{`{"model":"m","stream":true,"stream_options":{"include_usage":false}}`, ``},
		{`{"model":"m","stream":false}`, ``},
		{`{"model":"m"}`, ``},
		{`not json "stream"`, ``},
	}
	for _, tc := range cases {
		got := openaiCodec{chat: true}.rewriteRequest([]byte(tc.in), cfg)
		if string(got) != tc.want {
			t.Errorf("%s: got %s want %s", tc.in, got, tc.want)
		}
	}
}

func TestSSEParserChunking(t *testing.T) {
	stream := "event: a\r\ndata: {\"x\":1}\r\n\r\n: comment\n\ndata: line1\ndata: line2\n\nevent: b\ndata: tail"
	var want []string
	p := &sseParser{limit: 1 << 20, emit: func(n string, d []byte) { want = append(want, n+"|"+string(d)) }}
	p.feed([]byte(stream))
	p.flush()
	if len(want) != 3 || want[0] != `a|{"x":1}` || want[1] != "|line1\nline2" || want[2] != "b|tail" {
		t.Fatalf("events %q", want)
	}
	for size := 1; size < len(stream); size++ {
		var got []string
		p := &sseParser{limit: 1 << 20, emit: func(n string, d []byte) { got = append(got, n+"|"+string(d)) }}
		for i := 0; i < len(stream); i += size {
			p.feed([]byte(stream[i:min(i+size, len(stream))]))
		}
		p.flush()
		if len(got) != len(want) {
			t.Fatalf("chunk %d: %q", size, got)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("chunk %d: %q", size, got)
			}
		}
	}
}

func TestSSEParserBounded(t *testing.T) {
	var got []string
	p := &sseParser{limit: 16, emit: func(n string, d []byte) { got = append(got, string(d)) }}
	p.feed([]byte("data: 0123456789abcdefghij\n\ndata: ok\n\n"))
	if len(got) != 1 || got[0] != "ok" || p.dropped != 1 {
		t.Fatalf("got %q dropped %d", got, p.dropped)
	}
}

func TestEncodeBoundedValidJSON(t *testing.T) {
	msgs := make([]Message, 3000)
	for i := range msgs {
		msgs[i] = Message{Role: "user", Parts: []Part{TextPart("hello world")}}
	}
	s, cut, err := encodeMessages(msgs, 2048)
	if err != nil || !cut || len(s) > 2048 || !json.Valid([]byte(s)) {
		t.Fatalf("cut %v err %v len %d valid %v", cut, err, len(s), json.Valid([]byte(s)))
	}
}
