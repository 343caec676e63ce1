package openai

import (
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall/llmcalltest"
)

func i64(v int64) *int64 { return &v }

// TestTokenMapping checks the semconv token totals of the OpenAI APIs: input
// includes cached tokens, output includes reasoning tokens.
func TestTokenMapping(t *testing.T) {
	cases := []struct {
		name  string
		codec llmcall.Codec
		body  string
		want  llmcall.Usage
	}{
		{"openai no cache", Completions{Chat: true}, `{"usage":{"prompt_tokens":100,"completion_tokens":20}}`, llmcall.Usage{InputTokens: i64(100), OutputTokens: i64(20)}},
		{"openai cache read", Completions{Chat: true}, `{"usage":{"prompt_tokens":2000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":1920}}}`, llmcall.Usage{InputTokens: i64(2000), OutputTokens: i64(20), CacheReadInputTokens: i64(1920)}},
		{"openai reasoning", Completions{Chat: true}, `{"usage":{"prompt_tokens":50,"completion_tokens":900,"completion_tokens_details":{"reasoning_tokens":832}}}`, llmcall.Usage{InputTokens: i64(50), OutputTokens: i64(900), ReasoningOutputTokens: i64(832)}},
		{"openai tool calls", Completions{Chat: true}, `{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":80,"completion_tokens":15,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}`, llmcall.Usage{InputTokens: i64(80), OutputTokens: i64(15), CacheReadInputTokens: i64(0), ReasoningOutputTokens: i64(0)}},
		{"deepseek cache hit", Completions{Chat: true}, `{"usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_cache_hit_tokens":768,"prompt_cache_miss_tokens":232}}`, llmcall.Usage{InputTokens: i64(1000), OutputTokens: i64(10), CacheReadInputTokens: i64(768)}},
		{"openai completions", Completions{}, `{"choices":[{"text":"x","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":7}}`, llmcall.Usage{InputTokens: i64(5), OutputTokens: i64(7)}},
		{"responses cache+reasoning", Responses{}, `{"status":"completed","usage":{"input_tokens":3000,"input_tokens_details":{"cached_tokens":2048},"output_tokens":700,"output_tokens_details":{"reasoning_tokens":640}}}`, llmcall.Usage{InputTokens: i64(3000), OutputTokens: i64(700), CacheReadInputTokens: i64(2048), ReasoningOutputTokens: i64(640)}},
		{"responses tool call", Responses{}, `{"status":"completed","output":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"}],"usage":{"input_tokens":30,"output_tokens":9}}`, llmcall.Usage{InputTokens: i64(30), OutputTokens: i64(9)}},
		{"openai embeddings", Embeddings{}, `{"model":"e","usage":{"prompt_tokens":8,"total_tokens":8}}`, llmcall.Usage{InputTokens: i64(8)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { llmcalltest.CheckUsage(t, tc.codec, tc.body, tc.want) })
	}
}

// TestStreamUsageRewrite covers stream_options.include_usage injection.
func TestStreamUsageRewrite(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"model":"m","stream":true}`, `{"model":"m","stream":true,"stream_options":{"include_usage":true}}`},
		{`{"model":"m","stream":true,"stream_options":{"x":1}}`, `{"model":"m","stream":true,"stream_options":{"include_usage":true,"x":1}}`},
		{`{"model":"m","stream":true,"stream_options":{"include_usage":false}}`, ``},
		{`{"model":"m","stream":false}`, ``},
		{`{"model":"m"}`, ``},
		{`not json "stream"`, ``},
	}
	for _, tc := range cases {
		got := Completions{Chat: true}.RewriteRequest([]byte(tc.in))
		if string(got) != tc.want {
			t.Errorf("%s: got %s want %s", tc.in, got, tc.want)
		}
	}
}
