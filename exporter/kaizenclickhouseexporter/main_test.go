package kaizenclickhouseexporter

import (
	"context"
	"os"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/kaizenhq/kaizen/exporter/kaizenclickhouseexporter/internal/metadata"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestMain(m *testing.M) { os.Exit(chtest.Main(m)) }

// testConfig returns the default config pointed at database db on the
// shared embedded server, with the queue off so pushes are synchronous.
func testConfig(db string) *Config {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.Endpoint = chtest.DSN(db)
	cfg.Database = db
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.BackOffConfig.Enabled = false
	return cfg
}

// startExporter creates and starts the exporter, shutting it down at the
// end of the test.
func startExporter(t testing.TB, cfg *Config, set exporter.Settings) exporter.Traces {
	t.Helper()
	exp, err := NewFactory().CreateTraces(context.Background(), set, cfg)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := exp.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return exp
}

func nopSettings() exporter.Settings { return exportertest.NewNopSettings(metadata.Type) }

// query runs a query on the embedded store and returns its TabSeparated
// rows.
func query(t testing.TB, q string) []string {
	t.Helper()
	out := chtest.Scalar(t, q)
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}
