package pricing

import "testing"

func TestCanonicalProvider(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"openai", "openai"}, {" OpenAI ", "openai"}, {"Anthropic", "anthropic"},
		{"azure", "azure.ai.openai"}, {"azure_openai", "azure.ai.openai"}, {"azure.ai.openai", "azure.ai.openai"},
		{"azure.responses", "azure.ai.openai"}, {"azure.ai.inference", "azure.ai.inference"},
		{"google", "gcp.gemini"}, {"gemini", "gcp.gemini"}, {"google.generative-ai", "gcp.gemini"}, {"google_genai", "gcp.gemini"},
		{"vertexai", "gcp.vertex_ai"}, {"vertex_ai", "gcp.vertex_ai"}, {"google.vertex.chat", "gcp.vertex_ai"}, {"gcp.gen_ai", "gcp.gen_ai"},
		{"mistral", "mistral_ai"}, {"mistralai", "mistral_ai"}, {"xai", "x_ai"}, {"grok", "x_ai"},
		{"bedrock", "aws.bedrock"}, {"amazon-bedrock", "aws.bedrock"}, {"watsonx", "ibm.watsonx.ai"},
		{"openai.chat", "openai"}, {"anthropic.messages", "anthropic"}, {"mistral.chat", "mistral_ai"},
		{"acme", "acme"}, {"Acme.LLM", "acme.llm"}, {"", ""},
	} {
		if got := CanonicalProvider(tc.in); got != tc.want {
			t.Errorf("CanonicalProvider(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSameModel(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"gpt-4o", "gpt-4o", true},
		{"GPT-4o ", "gpt-4o", true},
		{"models/gemini-2.5-flash", "Gemini-2.5-Flash", true},
		{"openai/gpt-4o", "gpt-4o", true},
		{"gpt-4o-2024-08-06", "gpt-4o", true},
		{"claude-sonnet-4-5", "claude-sonnet-4-5-20250929", true},
		{"claude-sonnet-4-5@20250929", "claude-sonnet-4-5", true},
		{"anthropic.claude-3-haiku", "anthropic.claude-3-haiku:0", true},
		{"gpt-4o-mini", "gpt-4o", false},
		{"claude-sonnet-4-5", "claude-sonnet-4", false},
		{"gpt-4o-123", "gpt-4o", false}, // three digits: another model, not a snapshot
		{"gpt-4o", "gpt-4ox", false},
		{"", "", false},
		{"models/", "gpt-4o", false},
	} {
		if got := SameModel(tc.a, tc.b); got != tc.want {
			t.Errorf("SameModel(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := SameModel(tc.b, tc.a); got != tc.want {
			t.Errorf("SameModel(%q, %q) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

// FuzzSameModel checks that SameModel is symmetric and that an id matches
// itself unless it names no model.
func FuzzSameModel(f *testing.F) {
	for _, s := range [][2]string{{"gpt-4o", "gpt-4o-2024-08-06"}, {"models/x", "X@1"}, {"a-1234b", "a"}, {"", "/"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if SameModel(a, b) != SameModel(b, a) {
			t.Fatalf("SameModel(%q, %q) is not symmetric", a, b)
		}
		if want := stripPath(normModel(a)) != ""; SameModel(a, a) != want {
			t.Fatalf("SameModel(%q, itself) = %v, want %v", a, !want, want)
		}
	})
}
