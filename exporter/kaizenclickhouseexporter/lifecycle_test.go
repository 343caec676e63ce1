package kaizenclickhouseexporter

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestLifecycle is the lifecycle test mdatagen would generate, run against
// the embedded ClickHouse: create, start, push through the default
// (queued, batching) configuration, shut down; the queue drains at
// shutdown.
func TestLifecycle(t *testing.T) {
	db := chtest.NewDatabase(t)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.Endpoint = chtest.DSN(db)
	cfg.Database = db
	exp, err := NewFactory().CreateTraces(context.Background(), nopSettings(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	if err := exp.ConsumeTraces(context.Background(), workflowTraces()); err != nil {
		t.Fatal(err)
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertCount(t, db, "otel_traces", 8)
	assertCount(t, db, "llm_calls", 4)

	// Shutdown without Start is fine.
	idle, err := NewFactory().CreateTraces(context.Background(), nopSettings(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := idle.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// startError starts an exporter expected to fail and returns the error.
func startError(t *testing.T, cfg *Config) error {
	t.Helper()
	exp, err := NewFactory().CreateTraces(context.Background(), nopSettings(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = exp.Shutdown(context.Background()) }()
	begin := time.Now()
	err = exp.Start(context.Background(), componenttest.NewNopHost())
	if err == nil {
		t.Fatal("start succeeded")
	}
	if d := time.Since(begin); d > 15*time.Second {
		t.Errorf("start took %s to fail", d)
	}
	return err
}

func TestStartFailsFastWhenUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	for _, endpoint := range []string{"http://" + addr, "tcp://" + addr + "?dial_timeout=2s"} {
		cfg := testConfig("kaizen")
		cfg.Endpoint = endpoint
		cfg.Username, cfg.Password = "kaizen", "hunter2-secret"
		err := startError(t, cfg)
		msg := err.Error()
		if !strings.Contains(msg, "cannot reach or log in to ClickHouse at "+endpoint) || !strings.Contains(msg, `user "kaizen"`) {
			t.Errorf("%s: unclear error: %s", endpoint, msg)
		}
		if strings.Contains(msg, "hunter2") {
			t.Errorf("%s: error shows the password: %s", endpoint, msg)
		}
	}
}

// TestStartChecksCredentials serves the shared store through a second
// HTTP interface that requires a password.
func TestStartChecksCredentials(t *testing.T) {
	db := chtest.NewDatabase(t)
	handler, err := chserver.NewHandler(chtest.Server().Conn(),
		chserver.Config{Users: []chserver.User{{Name: "kaizen", Password: "right-secret", Role: chserver.RoleWriter}}}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()

	cfg := testConfig(db)
	cfg.Endpoint = srv.URL
	cfg.Username, cfg.Password = "kaizen", "wrong-secret"
	msg := startError(t, cfg).Error()
	if !strings.Contains(msg, "cannot reach or log in to ClickHouse at "+srv.URL) || !strings.Contains(msg, "516") {
		t.Errorf("unclear error: %s", msg)
	}
	if strings.Contains(msg, "wrong-secret") || strings.Contains(msg, "right-secret") {
		t.Errorf("error shows a password: %s", msg)
	}

	// The password in the DSN instead of the config is hidden too.
	cfg.Endpoint = strings.Replace(srv.URL, "http://", "http://kaizen:dsn-secret@", 1)
	cfg.Username, cfg.Password = "", ""
	if msg := startError(t, cfg).Error(); strings.Contains(msg, "dsn-secret") || !strings.Contains(msg, "kaizen:xxxxx@") {
		t.Errorf("DSN password not redacted: %s", msg)
	}

	// password_file, as collector/config.yaml reads the generated one.
	cfg.Endpoint = srv.URL
	cfg.Username, cfg.Password = "kaizen", ""
	cfg.PasswordFile = filepath.Join(t.TempDir(), "writer.password")
	if err := os.WriteFile(cfg.PasswordFile, []byte("right-secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg := startError(t, cfg).Error(); !strings.Contains(msg, "readable by others") {
		t.Errorf("world-readable password_file: %s", msg)
	}
	if err := os.Chmod(cfg.PasswordFile, 0o600); err != nil {
		t.Fatal(err)
	}
	exp := startExporter(t, cfg, nopSettings())
	if err := exp.ConsumeTraces(context.Background(), workflowTraces()); err != nil {
		t.Fatal(err)
	}
	assertCount(t, db, "llm_calls", 4)
}

func TestStartWithoutSchema(t *testing.T) {
	db := chtest.NewDatabase(t)
	cfg := testConfig(db)
	cfg.CreateSchema = false
	msg := startError(t, cfg).Error()
	if !strings.Contains(msg, "otel_traces does not exist: set create_schema: true") {
		t.Errorf("unclear error: %s", msg)
	}
}
