package instrumentation

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRedactorMatchesNaive: skipping secrets whose shorter part is absent
// gives exactly the naive replace-each-in-order result.
func TestRedactorMatchesNaive(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Bearer sk-secret-1")
	h.Set("X-Api-Key", "ACTE")                  // a secret inside the marker itself
	h.Set("Api-Key", "Basic sk-secret-1 extra") // contains another secret
	u, _ := url.Parse("https://h/p?key=a%20b+c&token=sk-secret-1")
	r := newRedactor(h, u)
	naive := func(s string) string {
		for _, secret := range r.secrets {
			if strings.Contains(s, secret) {
				s = strings.ReplaceAll(s, secret, Redacted)
			}
		}
		return s
	}
	parts := []string{"Bearer sk-secret-1", "sk-secret-1", "ACTE", "a b c", "a+b+c", "a%20b+c", "Basic sk-secret-1 extra", "plain text", "[REDACTED]", "sk-secret"}
	for i := range parts {
		for j := range parts {
			for k := range parts {
				s := parts[i] + " / " + parts[j] + parts[k]
				if got, want := r.apply(s), naive(s); got != want {
					t.Fatalf("%q: got %q want %q", s, got, want)
				}
			}
		}
	}
	if got := (redactor{}).apply("x"); got != "x" {
		t.Fatalf("empty redactor: %q", got)
	}
}
