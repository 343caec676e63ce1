package fingerprint

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzCanonical(f *testing.F) {
	for _, g := range golden {
		f.Add(g.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Canonical(s)
		if !utf8.ValidString(c) || strings.Contains(c, "  ") || c != strings.TrimSpace(c) {
			t.Fatalf("Canonical(%q) = %q", s, c)
		}
		if Canonical(c) != c && !strings.Contains(c, "<") {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, Canonical(c))
		}
		_ = SimHash(s)
	})
}

func FuzzFromAttributes(f *testing.F) {
	f.Add(goldenSystem, goldenMessages)
	f.Add(`"x"`, `[{"role":"user","content":"\ud83d\ude00 \ud800"}]`)
	f.Add("\xff", `[{"role":1,"parts":{"a":[null,true,1e5]}}]`)
	f.Fuzz(func(t *testing.T, sys, msgs string) {
		a, _ := FromAttributes(sys, msgs)
		b, _ := FromAttributes(sys, msgs)
		if a != b {
			t.Fatal("not deterministic")
		}
	})
}
