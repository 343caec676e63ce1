package anthropic

import (
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall/llmcalltest"
)

func i64(v int64) *int64 { return &v }

// TestTokenMapping checks the semconv token totals of Anthropic Messages:
// input adds the cache reads and writes that input_tokens excludes.
func TestTokenMapping(t *testing.T) {
	cases := []struct {
		name  string
		codec llmcall.Codec
		body  string
		want  llmcall.Usage
	}{
		{"anthropic no cache", Messages{}, `{"usage":{"input_tokens":100,"output_tokens":30}}`, llmcall.Usage{InputTokens: i64(100), OutputTokens: i64(30)}},
		{"anthropic cache read", Messages{}, `{"usage":{"input_tokens":10,"cache_read_input_tokens":5000,"cache_creation_input_tokens":0,"output_tokens":30}}`, llmcall.Usage{InputTokens: i64(5010), OutputTokens: i64(30), CacheReadInputTokens: i64(5000), CacheCreationInputTokens: i64(0)}},
		{"anthropic cache write", Messages{}, `{"usage":{"input_tokens":10,"cache_creation_input_tokens":4000,"output_tokens":30}}`, llmcall.Usage{InputTokens: i64(4010), OutputTokens: i64(30), CacheCreationInputTokens: i64(4000)}},
		{"anthropic tool use", Messages{}, `{"content":[{"type":"tool_use","id":"t","name":"f","input":{}}],"stop_reason":"tool_use","usage":{"input_tokens":400,"output_tokens":60}}`, llmcall.Usage{InputTokens: i64(400), OutputTokens: i64(60)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { llmcalltest.CheckUsage(t, tc.codec, tc.body, tc.want) })
	}
}
