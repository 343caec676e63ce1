package instrumentation

import (
	"net/http"
	"net/url"
	"testing"
)

// TestRedactor: every credential of the headers and the query is replaced,
// the longer "Bearer <token>" before the token inside it, query values also
// in their escaped form.
func TestRedactor(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Bearer sk-secret-1")
	h.Set("Api-Key", "Basic sk-secret-1 extra") // contains another secret
	h.Set("X-Other", "not-a-credential")
	u, _ := url.Parse("https://h/p?key=a%20b+c&token=sk-secret-2&q=visible")
	r := newRedactor(h, u)
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"auth: Bearer sk-secret-1.", "auth: [REDACTED]."},
		{"sk-secret-1 and sk-secret-1", "[REDACTED] and [REDACTED]"},
		{"Basic sk-secret-1 extra", "Basic [REDACTED] extra"},
		{"q: a b c / a+b+c", "q: [REDACTED] / [REDACTED]"},
		{"token sk-secret-2, q=visible, not-a-credential", "token [REDACTED], q=visible, not-a-credential"},
		{"sk-secret", "sk-secret"},
	}
	for _, tc := range cases {
		if got := r.apply(tc.in); got != tc.want {
			t.Errorf("apply(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := (redactor{}).apply("x"); got != "x" {
		t.Fatalf("empty redactor: %q", got)
	}
}
