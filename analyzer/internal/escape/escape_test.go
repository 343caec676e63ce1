package escape

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "gpt-4o-mini", "gpt-4o-mini"},
		{"unicode letters and spaces kept", "résumé 日本語 a\u00a0b", "résumé 日本語 a\u00a0b"},
		{"screen clear", "model\x1b[2J\x1b[H", `model\x1b[2J\x1b[H`},
		{"title change (OSC)", "\x1b]0;pwned\x07x", `\x1b]0;pwned\x07x`},
		{"carriage return overwrite", "ok\rEVIL", `ok\rEVIL`},
		{"newline and tab", "a\nb\tc", `a\nb\tc`},
		{"NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`},
		{"C1 CSI and NEL", "a\u009b2Jb\u0085", `a\u009b2Jb\u0085`},
		{"RTL override", "invoice\u202efdp.exe", `invoice\u202efdp.exe`},
		{"bidi isolates and marks", "\u2066x\u2069\u200f\u061c", `\u2066x\u2069\u200f\u061c`},
		{"zero width and BOM", "a\u200bb\ufeff", `a\u200bb\ufeff`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"tag characters (hidden text)", "hi\U000e0041\U000e0042", `hi\U000e0041\U000e0042`},
		{"private use", "\ue000", `\ue000`},
		{"invalid utf-8", "a\xff\xfeb", `a\xff\xfeb`},
		{"replacement char itself kept", "a\ufffdb", "a\ufffdb"},
		{"backslash unchanged", `C:\x1b`, `C:\x1b`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "gpt-4o", "gpt-4o"},
		{"table pipe", "a|b", `a\|b`},
		{"backtick", "`rm -rf`", "\\`rm -rf\\`"},
		{"html and links", "<img src=x>[c](http://e)", `\<img src=x\>\[c\](http://e)`},
		{"emphasis", "*a* _b_ ~c~", `\*a\* \_b\_ \~c\~`},
		{"intraword underscore kept", "redundant_call _x", `redundant_call \_x`},
		{"backslash cannot escape our pipe", `x\`, `x\\`},
		{"controls escaped first", "a\x1b[2J|\nb", `a\\x1b\[2J\|\\nb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Markdown(tt.in); got != tt.want {
				t.Errorf("Markdown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdownCode(t *testing.T) {
	tests := map[string]string{
		"4bf92f3577b34da6a3ce929d0e0e4736": "`4bf92f3577b34da6a3ce929d0e0e4736`",
		"claude-sonnet-4.5":                "`claude-sonnet-4.5`",
		"a`b":                              "a\\`b",
		"x|y":                              `x\|y`,
		"\x1b[2J":                          `\\x1b\[2J`,
		"":                                 "",
	}
	for in, want := range tests {
		if got := MarkdownCode(in); got != want {
			t.Errorf("MarkdownCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// unsafeRune reports runes no escaped output may contain.
func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) ||
		unicode.In(r, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) || !unicode.IsGraphic(r)
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "a\rb", "\u202e", "\xff", "|`*_", "\U000e0041", "日本\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if unsafeRune(r) {
				t.Fatalf("Text(%q) = %q keeps %U", s, got, r)
			}
		}
		if again := Text(got); again != got {
			t.Fatalf("Text not idempotent: %q → %q", got, again)
		}
		if utf8.ValidString(s) && strings.IndexFunc(s, unsafeRune) < 0 && got != s {
			t.Fatalf("Text changed clean %q to %q", s, got)
		}
		md := Markdown(s)
		for _, r := range md {
			if unsafeRune(r) {
				t.Fatalf("Markdown(%q) keeps %U", s, r)
			}
		}
		// Every Markdown-special character is preceded by an odd number of backslashes.
		for i := 0; i < len(md); i++ {
			if !strings.ContainsRune("|`*_~[]<>", rune(md[i])) {
				continue
			}
			if md[i] == '_' && i > 0 && i+1 < len(md) && alnum(md[i-1]) && alnum(md[i+1]) {
				continue
			}
			n := 0
			for j := i - 1; j >= 0 && md[j] == '\\'; j-- {
				n++
			}
			if n%2 == 0 {
				t.Fatalf("Markdown(%q) = %q: unescaped %q at %d", s, md, md[i], i)
			}
		}
		if c := MarkdownCode(s); strings.HasPrefix(c, "`") && strings.Count(c, "`") != 2 {
			t.Fatalf("MarkdownCode(%q) = %q: broken code span", s, c)
		}
	})
}

func BenchmarkTextClean(b *testing.B) {
	s := strings.Repeat("claude-sonnet-4-5 planner ", 8)
	b.ReportAllocs()
	for b.Loop() {
		_ = Text(s)
	}
}
