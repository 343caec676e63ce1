package anthropic

import (
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// BenchmarkParseRequest reads a 4 KB Messages request whose turns carry
// content blocks, with content capture on, in one pass and in steps.
func BenchmarkParseRequest(b *testing.B) {
	text := strings.Repeat("Summarize the quarterly report for the board. ", 20)
	body := []byte(`{"model":"claude-sonnet-4-5","max_tokens":1024,"system":[{"type":"text","text":"You are a precise analyst."}],"messages":[` +
		`{"role":"user","content":[{"type":"text","text":"` + text + `"}]},` +
		`{"role":"assistant","content":[{"type":"text","text":"` + text + `"},{"type":"tool_use","id":"t1","name":"lookup","input":{"q":"revenue"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"` + text + `"}]},` +
		`{"role":"user","content":"` + text + `"}]}`)
	for _, bc := range []struct {
		name  string
		parse func([]byte, *llmcall.Request, bool) error
	}{
		{"one pass", Messages{}.ParseRequest},
		{"in steps", parseRequestInSteps},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var req llmcall.Request
				if err := bc.parse(body, &req, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
