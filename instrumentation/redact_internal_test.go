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
	for k := range r.secrets { // the anchored search is strings.Contains
		for _, s := range []string{"", r.secrets[k], "x" + r.secrets[k], r.secrets[k][1:], r.secrets[k] + r.secrets[k][:2], strings.Repeat(r.secrets[k][:3], 9)} {
			if got, want := r.contains(s, k), strings.Contains(s, r.secrets[k]); got != want {
				t.Fatalf("contains(%q, %q) = %v", s, r.secrets[k], got)
			}
		}
	}
	if got := (redactor{}).apply("x"); got != "x" {
		t.Fatalf("empty redactor: %q", got)
	}
}

// FuzzRedactContains: the anchored search equals strings.Contains and apply
// equals naive in-order replacement, for any text and credential.
func FuzzRedactContains(f *testing.F) {
	f.Add("Bearer sk-Abc1 in text sk-Abc1", "sk-Abc1")
	f.Add("aaaa", "aaaa")
	f.Add("xx--x-", "x--x")
	f.Fuzz(func(t *testing.T, s, secret string) {
		h := http.Header{"Authorization": {"Bearer " + secret}}
		r := newRedactor(h, nil)
		want := s
		for k, sec := range r.secrets {
			if got := r.contains(s, k); got != strings.Contains(s, sec) {
				t.Fatalf("contains(%q, %q) = %v", s, sec, got)
			}
			want = strings.ReplaceAll(want, sec, Redacted)
		}
		if got := r.apply(s); got != want {
			t.Fatalf("apply(%q) = %q, want %q", s, got, want)
		}
	})
}
