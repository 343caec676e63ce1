package tokencount

import (
	"strings"
	"testing"
)

func TestEncodingFor(t *testing.T) {
	tests := []struct {
		provider, model string
		enc             Encoding
		exact           bool
	}{
		{"openai", "gpt-4o", O200k, true},
		{"openai", "gpt-4o-mini-2024-07-18", O200k, true},
		{"openai", "gpt-4.1-nano", O200k, true},
		{"openai", "gpt-5", O200k, true},
		{"openai", "o3-mini", O200k, true},
		{"openai", "o1", O200k, true},
		{"openai", "gpt-4-turbo", Cl100k, true},
		{"openai", "gpt-3.5-turbo", Cl100k, true},
		{"openai", "text-embedding-3-small", Cl100k, true},
		{"openrouter", "openai/gpt-4o", O200k, true},
		{"openai", "some-future-model", O200k, false},
		{"anthropic", "claude-sonnet-4-5", O200k, false},
		{"gcp.gemini", "gemini-2.5-pro", O200k, false},
		{"anthropic", "claude-o3-like", O200k, false},
	}
	for _, tt := range tests {
		enc, exact := EncodingFor(tt.provider, tt.model)
		if enc != tt.enc || exact != tt.exact {
			t.Errorf("EncodingFor(%q, %q) = %s, %v; want %s, %v", tt.provider, tt.model, enc, exact, tt.enc, tt.exact)
		}
	}
}

// TestCount checks counts against tiktoken's reference values.
func TestCount(t *testing.T) {
	tests := []struct {
		enc  Encoding
		text string
		want int64
	}{
		{O200k, "", 0},
		{Cl100k, "hello world", 2},
		{O200k, "hello world", 2},
		{Cl100k, "tiktoken is great!", 6},
	}
	for _, tt := range tests {
		if got := Count(tt.enc, tt.text); got != tt.want {
			t.Errorf("Count(%s, %q) = %d, want %d", tt.enc, tt.text, got, tt.want)
		}
	}
	if n := Count(Cl100k, "\xff\xfe not utf-8"); n < 3 {
		t.Errorf("Count(invalid UTF-8) = %d, want the text counted", n)
	}
	// A long document is far from the 4-bytes-per-token guess for JSON.
	doc := strings.Repeat(`{"sku":"SKU-1042","price":12.50,"stock":7},`, 100)
	if n := Count(O200k, doc); n < int64(len(doc))/5 || n > int64(len(doc))/2 {
		t.Errorf("Count(json) = %d for %d bytes: implausible", n, len(doc))
	}
}

func TestScale(t *testing.T) {
	tests := []struct{ part, counted, reported, want int64 }{
		{100, 1000, 1100, 110},
		{0, 1000, 1100, 0},
		{100, 0, 1100, 100},
		{100, 1000, 0, 100},
		{2000, 1000, 1100, 1100},
		{1 << 40, 1 << 41, 1 << 41, 1 << 40},
	}
	for _, tt := range tests {
		if got := Scale(tt.part, tt.counted, tt.reported); got != tt.want {
			t.Errorf("Scale(%d, %d, %d) = %d, want %d", tt.part, tt.counted, tt.reported, got, tt.want)
		}
	}
}

func BenchmarkCount(b *testing.B) {
	text := strings.Repeat("According to the refunds reference, the prorated invoice credit is settled within 14 days. ", 50)
	for _, enc := range []Encoding{O200k, Cl100k} {
		b.Run(string(enc), func(b *testing.B) {
			Count(enc, "warm")
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Count(enc, text)
			}
		})
	}
}
