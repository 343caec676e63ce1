package pricing

import "testing"

func TestFamily(t *testing.T) {
	tests := []struct{ id, want string }{
		{"gpt-4o", "gpt-4o"}, {"gpt-4o-mini", "gpt-4o"}, {"gpt-4o-2024-08-06", "gpt-4o"}, {"gpt-4.1-nano", "gpt-4.1"},
		{"claude-opus-4-1", "claude-4"}, {"claude-haiku-4-5", "claude-4"}, {"claude-3-5-haiku-latest", "claude-3"},
		{"gemini-2.5-pro", "gemini-2.5"}, {"models/gemini-2.5-flash", "gemini-2.5"}, {"o4-mini", "o4"},
		{"claude-sonnet-4-5@20250929", "claude-4"}, {"command-r", "command-r"}, {"", ""},
	}
	for _, tt := range tests {
		if got := Family(tt.id); got != tt.want {
			t.Errorf("Family(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
	m, ok := Default().Resolve("openai", "gpt-4o-mini")
	if !ok || m.Family != "gpt-4o" {
		t.Errorf("gpt-4o-mini family %+v", m)
	}
}
