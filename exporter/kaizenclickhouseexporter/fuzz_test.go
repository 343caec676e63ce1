package kaizenclickhouseexporter

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSanitize checks that every repaired value is valid UTF-8 and within
// the limit.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "bad \xff\xfe", strings.Repeat("é", 200), "\xc3"} {
		f.Add(s, 64)
	}
	f.Fuzz(func(t *testing.T, v string, limit int) {
		limit = 48 + abs(limit)%4096 // room for the marker
		got := newSanitizer(limit).str(v)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 out of %q", v)
		}
		if len(got) > limit {
			t.Fatalf("%d bytes > limit %d", len(got), limit)
		}
		if len(v) <= limit && utf8.ValidString(v) && got != v {
			t.Fatalf("clean value changed: %q → %q", v, got)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// FuzzRedactDSN checks that a password in a DSN never survives redaction.
func FuzzRedactDSN(f *testing.F) {
	f.Add("tcp://", "user", "hunter2secret", "ch:9000/db")
	f.Add("http://", "u", "p#ss@word", "h:8123")
	f.Fuzz(func(t *testing.T, scheme, user, password, rest string) {
		if len(password) < 8 || strings.ContainsAny(password, "/?#@:%") {
			return
		}
		dsn := scheme + user + ":" + password + "@" + rest
		if strings.Contains(redactDSN(dsn), password) && !strings.Contains(scheme+user+rest, password) {
			t.Fatalf("password left in %q", redactDSN(dsn))
		}
	})
}
