package chdb

import (
	"strings"
	"testing"
)

func TestLibraryPathMissing(t *testing.T) {
	t.Setenv(EnvLibrary, "/nonexistent/libchdb.so")
	_, err := LibraryPath()
	if err == nil {
		t.Fatal("missing library accepted")
	}
	for _, want := range []string{"/nonexistent/libchdb.so", "make deps", EnvLibrary} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestLibraryPathFound(t *testing.T) {
	t.Setenv(EnvLibrary, "")
	p, err := LibraryPath()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(p, ".deps/chdb/libchdb.so") {
		t.Errorf("path = %s", p)
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		msg  string
		code int
	}{
		{"Code: 60. DB::Exception: Unknown table expression identifier 'x'. (UNKNOWN_TABLE)", 60},
		{"  Code: 516. DB::Exception: default: Authentication failed", 516},
		{"something without a code", CodeUnknownException},
	}
	for _, tt := range tests {
		if got := parseError(tt.msg); got.Code != tt.code {
			t.Errorf("parseError(%q).Code = %d, want %d", tt.msg, got.Code, tt.code)
		}
	}
	if ErrorCode(nil) != 0 {
		t.Error("ErrorCode(nil) != 0")
	}
}
