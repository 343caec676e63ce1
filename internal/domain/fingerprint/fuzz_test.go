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

func FuzzSimHash(f *testing.F) {
	f.Add("a b c")
	f.Add(strings.Repeat("word ", 300) + strings.Repeat("x", 2000))
	f.Add("émoji😀 \xff <num> x<y>z")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := simHashCanonical(s), refSimHash(s); got != want {
			t.Fatalf("simHashCanonical(%q) = %016x, reference %016x", s, got, want)
		}
	})
}

func FuzzCanonicalReference(f *testing.F) {
	for _, g := range golden {
		f.Add(g.in)
	}
	f.Add("abcdefab-abcd-abcd-abcd-abcdefabcdef  Hello\tWORLD 12345")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendCanonical(nil, s)), string(appendCanonicalPath(nil, s, false)); got != want {
			t.Fatalf("appendCanonical(%q) = %q, byte-wise path %q", s, got, want)
		}
	})
}
