package chtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
)

var (
	mu      sync.Mutex
	server  *chserver.Server
	dataDir string
	seq     atomic.Int64
	// users are the shared server's accounts, with passwords fresh per
	// test binary.
	users = []chserver.User{
		{Name: "kaizen_writer", Password: randomPassword(), Role: chserver.RoleWriter},
		{Name: "kaizen_reader", Password: randomPassword(), Role: chserver.RoleReader},
	}
)

// Writer and Reader are the shared server's accounts.
func Writer() chserver.User { return users[0] }

// Reader is the shared server's read-only account.
func Reader() chserver.User { return users[1] }

func randomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b)
}

// shutdownTimeout bounds how long Main and Restart wait for in-flight
// requests when stopping the server.
const shutdownTimeout = 30 * time.Second

// Main starts the shared server on 127.0.0.1 (a free port) over a temporary
// data path, runs the tests, stops the server and removes the data. It
// returns the exit code for os.Exit. When the server cannot start (for
// example libchdb is not installed) it prints why and returns 1.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "kaizen-chtest-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "chtest: create data dir: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := chserver.Start(chserver.Config{Endpoint: "127.0.0.1:0", Path: dir, Users: users}, zap.NewNop())
	if err != nil {
		fmt.Fprintf(os.Stderr, "chtest: start embedded ClickHouse: %v\n", err)
		return 1
	}
	mu.Lock()
	server, dataDir = srv, dir
	mu.Unlock()
	code := m.Run()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := Server().Shutdown(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "chtest: shut down embedded ClickHouse: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Server returns the shared server. It panics when Main is not running:
// that is a test-setup mistake, not an input error.
func Server() *chserver.Server {
	mu.Lock()
	defer mu.Unlock()
	if server == nil {
		panic("chtest: no server: call os.Exit(chtest.Main(m)) from TestMain")
	}
	return server
}

// DataPath returns the shared server's data directory.
func DataPath() string {
	Server()
	return dataDir
}

// DSN returns a clickhouse-go DSN for database on the shared server, using
// the HTTP protocol and the writer's credentials:
// "http://kaizen_writer:…@127.0.0.1:PORT/<database>?dial_timeout=10s&read_timeout=5m".
func DSN(database string) string {
	return URL() + "/" + database + "?dial_timeout=10s&read_timeout=5m"
}

// URL returns the shared server's base URL with the writer's credentials
// ("http://kaizen_writer:…@127.0.0.1:PORT"); net/http sends them as basic
// auth.
func URL() string { return URLAs(Writer()) }

// URLAs returns the shared server's base URL with u's credentials.
func URLAs(u chserver.User) string {
	base, _ := url.Parse(Server().URL()) // the server's own URL always parses
	base.User = url.UserPassword(u.Name, u.Password)
	return base.String()
}

var unsafeName = regexp.MustCompile(`[^a-z0-9_]+`)

// NewDatabase creates a database with a unique name derived from the test's
// name, and drops it when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	base := unsafeName.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(base) > 40 {
		base = base[:40]
	}
	name := fmt.Sprintf("t_%s_%d_%d", strings.Trim(base, "_"), os.Getpid(), seq.Add(1))
	Exec(t, "CREATE DATABASE "+name)
	t.Cleanup(func() {
		if _, err := Server().Conn().QueryString(context.Background(), "DROP DATABASE IF EXISTS "+name+" SYNC", ""); err != nil {
			t.Errorf("chtest: drop database %s: %v", name, err)
		}
	})
	return name
}

// Exec runs statements in-process on the shared store, failing the test on
// the first error.
func Exec(t testing.TB, statements ...string) {
	t.Helper()
	for _, s := range statements {
		if _, err := Server().Conn().QueryString(context.Background(), s, ""); err != nil {
			t.Fatalf("chtest: %s: %v", s, err)
		}
	}
}

// Scalar runs a query in-process and returns its TabSeparated output
// without the trailing newline.
func Scalar(t testing.TB, query string) string {
	t.Helper()
	r, err := Server().Conn().QueryString(context.Background(), query, "TabSeparated")
	if err != nil {
		t.Fatalf("chtest: %s: %v", query, err)
	}
	return strings.TrimSuffix(string(r.Data), "\n")
}

// Restart shuts the shared server down (closing the store) and starts it
// again on the same data path and port, as a process restart would. Tests
// that call it must not run in parallel with others.
func Restart(t testing.TB) *chserver.Server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	addr := server.Addr()
	if err := server.Shutdown(ctx); err != nil {
		t.Fatalf("chtest: restart: shut down: %v", err)
	}
	srv, err := chserver.Start(chserver.Config{Endpoint: addr, Path: dataDir, Users: users}, zap.NewNop())
	if err != nil {
		t.Fatalf("chtest: restart: start on %s: %v", addr, err)
	}
	server = srv
	return srv
}
