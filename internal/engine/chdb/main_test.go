package chdb

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// store is the one embedded store this test binary opens (libchdb allows one
// per process); tests isolate themselves by database name.
var (
	store     *Conn
	storePath string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chdb-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	storePath = dir
	store, err = Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = store.Close()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// exec runs statements on the shared store and fails the test on error.
func exec(t testing.TB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := store.QueryString(context.Background(), s, ""); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// scalar runs a query and returns its TabSeparated output without the final newline.
func scalar(t testing.TB, q string) string {
	t.Helper()
	r, err := store.QueryString(context.Background(), q, "TabSeparated")
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := string(r.Data)
	if n := len(out); n > 0 && out[n-1] == '\n' {
		out = out[:n-1]
	}
	return out
}
