package fingerprint

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func benchPrompt() (string, string) {
	r := rand.New(rand.NewPCG(1, 1))
	text := randomPrompt(r, 330) // about 2 KB
	msgs, _ := json.Marshal([]map[string]any{{"role": "user", "parts": []map[string]string{{"type": "text", "content": text}}}})
	return text, string(msgs)
}

func BenchmarkCanonical(b *testing.B) {
	text, _ := benchPrompt()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Canonical(text)
	}
}

func BenchmarkSimHash(b *testing.B) {
	text, _ := benchPrompt()
	c := Canonical(text)
	b.SetBytes(int64(len(c)))
	for b.Loop() {
		simHashCanonical(c)
	}
}

func BenchmarkFromAttributes(b *testing.B) {
	_, msgs := benchPrompt()
	b.SetBytes(int64(len(msgs)))
	for b.Loop() {
		if _, err := FromAttributes(`[{"type":"text","content":"You are helpful."}]`, msgs); err != nil {
			b.Fatal(err)
		}
	}
}
