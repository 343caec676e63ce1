package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/otelcol"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// The tests in this package share libchdb's one store per process: the
// in-process collector's chdb extension or a test-hosted e2e.Store, never
// both at once, so none of them calls t.Parallel.

const (
	embeddedConfig = "../../config.yaml"
	serverConfig   = "../../config.clickhouse.yaml"
	fixturesDir    = "../../../processor/kaizenprocessor/testdata"
)

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// collectorBinary builds kaizen-collector once per test binary.
func collectorBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "kaizen-collector-bin-"); buildErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		binPath, buildErr = e2e.BuildCollector(ctx, buildDir, raceEnabled)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// collectorSettings mirror main.go's, resolving uris (file:, yaml:, env:).
func collectorSettings(uris ...string) otelcol.CollectorSettings {
	return otelcol.CollectorSettings{
		BuildInfo:               component.BuildInfo{Command: "kaizen-collector", Version: "test"},
		Factories:               components,
		DisableGracefulShutdown: true,
		SkipSettingGRPCLogger:   true,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{ResolverSettings: confmap.ResolverSettings{
			URIs: uris,
			ProviderFactories: []confmap.ProviderFactory{
				envprovider.NewFactory(), fileprovider.NewFactory(), yamlprovider.NewFactory(),
			},
		}},
	}
}

// setEnv sets KAIZEN_* variables for the test.
func setEnv(t testing.TB, env []string) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// runInProcess starts the collector in this process from uris and stops it
// when the test ends.
func runInProcess(t testing.TB, uris ...string) {
	t.Helper()
	col, err := otelcol.NewCollector(collectorSettings(uris...))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- col.Run(context.Background()) }()
	t.Cleanup(func() {
		col.Shutdown()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("collector run: %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("collector did not shut down within a minute")
		}
	})
	deadline := time.Now().Add(time.Minute)
	for col.GetState() != otelcol.StateRunning {
		select {
		case err := <-done:
			t.Fatalf("collector exited before running: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("collector not running after a minute (state %v)", col.GetState())
		}
	}
}

func fileURI(path string) string { return fmt.Sprintf("file:%s", path) }
