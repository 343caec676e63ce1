package genai

import (
	"encoding/json"
	"strings"
	"testing"
)

// benchMessages is one user message of about 2 KB, the shape the
// processor's benchmark sends.
func benchMessages() string {
	text := strings.Repeat("the customer order refund asks about shipping delays ", 40)
	msgs, _ := json.Marshal([]Message{{Role: "user", Parts: []Part{{Type: "text", Content: text}}}})
	return string(msgs)
}

func BenchmarkParseMessages(b *testing.B) {
	in := benchMessages()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseMessages(in); err != nil {
			b.Fatal(err)
		}
	}
}
