package gemini

import (
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall/llmcalltest"
)

func i64(v int64) *int64 { return &v }

// TestTokenMapping checks the semconv token totals of Gemini and Vertex AI:
// input includes cached and tool-use prompt tokens, output includes thoughts.
func TestTokenMapping(t *testing.T) {
	cases := []struct {
		name  string
		codec llmcall.Codec
		body  string
		want  llmcall.Usage
	}{
		{"gemini no cache", GenerateContent{}, `{"usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20}}`, llmcall.Usage{InputTokens: i64(100), OutputTokens: i64(20)}},
		{"gemini cache read", GenerateContent{}, `{"usageMetadata":{"promptTokenCount":5000,"cachedContentTokenCount":4096,"candidatesTokenCount":20}}`, llmcall.Usage{InputTokens: i64(5000), OutputTokens: i64(20), CacheReadInputTokens: i64(4096)}},
		{"gemini thoughts", GenerateContent{}, `{"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":40,"thoughtsTokenCount":250}}`, llmcall.Usage{InputTokens: i64(10), OutputTokens: i64(290), ReasoningOutputTokens: i64(250)}},
		{"gemini tool use prompt", GenerateContent{}, `{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":60,"toolUsePromptTokenCount":15,"candidatesTokenCount":8}}`, llmcall.Usage{InputTokens: i64(75), OutputTokens: i64(8)}},
		{"gemini embed vertex", EmbedContent{}, `{"embeddings":[{"values":[1],"statistics":{"token_count":7}},{"values":[1],"statistics":{"token_count":5}}]}`, llmcall.Usage{InputTokens: i64(12)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { llmcalltest.CheckUsage(t, tc.codec, tc.body, tc.want) })
	}
}
