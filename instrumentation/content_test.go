package instrumentation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

func TestEncodeBoundedValidJSON(t *testing.T) {
	msgs := make([]llmcall.Message, 3000)
	for i := range msgs {
		msgs[i] = llmcall.Message{Role: "user", Parts: []llmcall.Part{llmcall.TextPart("hello world")}}
	}
	s, cut, err := encodeMessages(msgs, 2048)
	if err != nil || !cut || len(s) > 2048 || !json.Valid([]byte(s)) {
		t.Fatalf("cut %v err %v len %d valid %v", cut, err, len(s), json.Valid([]byte(s)))
	}
}

// FuzzContentBound: the output messages of any response body, through the
// codec of every recognized API, encode within the content bound.
func FuzzContentBound(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	var codecs []llmcall.Codec
	for _, path := range []string{
		"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses", "/v1/messages",
		"/v1beta/models/m:generateContent", "/v1beta/models/m:embedContent",
	} {
		ep, ok := detectPath(path)
		if !ok {
			f.Fatalf("%s not recognized", path)
		}
		codecs = append(codecs, ep.codec)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range codecs {
			resp, err := c.ParseResponse(body, true)
			if err != nil || resp == nil {
				continue
			}
			if s, _, err := encodeMessages(resp.OutputMessages, 1024); err == nil && len(s) > 1024 {
				t.Fatalf("encoded %d bytes over the bound", len(s))
			}
		}
	})
}
