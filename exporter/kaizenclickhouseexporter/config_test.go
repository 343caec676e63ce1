package kaizenclickhouseexporter

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/kaizenhq/kaizen/exporter/kaizenclickhouseexporter/internal/metadata"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// loadConfig loads the named config from testdata/config.yaml through the
// factory, as the collector does.
func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	id := component.NewID(metadata.Type)
	if name != "" {
		id = component.NewIDWithName(metadata.Type, name)
	}
	sub, err := cm.Sub(id.String())
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatalf("unmarshal %s: %v", id, err)
	}
	return cfg
}

func TestDefaultConfig(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	if err := componenttest.CheckConfigStruct(cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Database != schema.DefaultDatabase || !cfg.CreateSchema || cfg.AsyncInsert || cfg.TTL != 0 {
		t.Errorf("defaults: %+v", cfg)
	}
	q := cfg.QueueConfig.Get()
	if q == nil || q.Sizer != exporterhelper.RequestSizerTypeItems || q.Batch.Get() == nil {
		t.Fatalf("default queue should count spans and batch: %+v", q)
	}
	if err := confmap.Validate(cfg); err == nil || !strings.Contains(err.Error(), "endpoint: must be set") {
		t.Errorf("default config without endpoint: %v", err)
	}
}

func TestLoadConfig(t *testing.T) {
	minimal := loadConfig(t, "")
	if err := confmap.Validate(minimal); err != nil {
		t.Fatalf("minimal: %v", err)
	}
	if minimal.Endpoint != "http://127.0.0.1:8123" || minimal.database() != "kaizen" || !minimal.CreateSchema {
		t.Errorf("minimal: %+v", minimal)
	}

	full := loadConfig(t, "full")
	if err := confmap.Validate(full); err != nil {
		t.Fatalf("full: %v", err)
	}
	if full.Username != "kaizen" || string(full.Password) != "s3cret" || full.database() != "kaizen_prod" ||
		full.Compression != "zstd" || full.TTL != 720*time.Hour || full.ClusterName != "kaizen_cluster" ||
		full.TableEngine != "ReplicatedMergeTree" || full.CreateSchema || !full.AsyncInsert ||
		full.MaxValueBytes != 65536 || full.TracesContent != TracesContentReference || full.TimeoutConfig.Timeout != 20*time.Second ||
		full.BackOffConfig.MaxElapsedTime != 0 || full.BackOffConfig.InitialInterval != time.Second {
		t.Errorf("full: %+v", full)
	}
	q := full.QueueConfig.Get()
	if q == nil || q.StorageID == nil || q.StorageID.String() != "file_storage/queue" || q.NumConsumers != 2 ||
		q.QueueSize != 100000 || q.Batch.Get() == nil || q.Batch.Get().MaxSize != 40000 {
		t.Errorf("full queue: %+v", q)
	}
	opt, err := full.clickhouseOptions()
	if err != nil {
		t.Fatal(err)
	}
	if opt.Protocol != clickhouse.Native || len(opt.Addr) != 2 || opt.Auth.Username != "kaizen" ||
		opt.Auth.Password != "s3cret" || opt.Compression.Method != clickhouse.CompressionZSTD || opt.DialTimeout != 5*time.Second {
		t.Errorf("full options: %+v", opt)
	}
	so := full.schemaOptions()
	if so.Database != "kaizen_prod" || so.Cluster != "kaizen_cluster" || so.Engine != schema.EngineReplicated || so.TTL != 720*time.Hour {
		t.Errorf("schema options: %+v", so)
	}
}

func TestInvalidConfigs(t *testing.T) {
	tests := []struct{ name, want string }{
		{"no_endpoint", "endpoint: must be set"},
		{"bad_dsn", `endpoint "http://[::1": not a DSN`},
		{"bad_scheme", `scheme "ftp": want tcp://, clickhouse://, http:// or https://`},
		{"bad_dsn_param", "dial_timeout"},
		{"negative_ttl", "ttl -1h0m0s: must not be negative"},
		{"unknown_compression", `compression "snappy": want one of none, lz4, zstd, gzip, deflate, br for http endpoints`},
		{"gzip_over_native", `compression "gzip": want one of none, lz4, zstd for tcp endpoints`},
		{"unknown_engine", `engine "Log": must be one of MergeTree, ReplicatedMergeTree, SharedMergeTree`},
		{"bad_database", `database "kaizen; DROP"`},
		{"bad_traces_content", `traces_content "none": want "full"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := confmap.Validate(loadConfig(t, tt.name))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestDatabaseAndCompressionDefaults(t *testing.T) {
	tests := []struct {
		endpoint, database, wantDB string
		wantMethod                 clickhouse.CompressionMethod
	}{
		{"http://127.0.0.1:8123", "kaizen", "kaizen", clickhouse.CompressionNone},
		{"http://127.0.0.1:8123/analytics", "kaizen", "analytics", clickhouse.CompressionNone},
		{"http://127.0.0.1:8123/analytics", "mine", "mine", clickhouse.CompressionNone},
		{"http://127.0.0.1:8123/default?compress=zstd", "", "kaizen", clickhouse.CompressionZSTD},
		{"tcp://127.0.0.1:9000", "kaizen", "kaizen", clickhouse.CompressionLZ4},
		{"clickhouse://127.0.0.1:9000?compress=none", "kaizen", "kaizen", clickhouse.CompressionNone},
	}
	for _, tt := range tests {
		cfg := &Config{Endpoint: tt.endpoint, Database: tt.database}
		if got := cfg.database(); got != tt.wantDB {
			t.Errorf("%s database %q: got %q, want %q", tt.endpoint, tt.database, got, tt.wantDB)
		}
		opt, err := cfg.clickhouseOptions()
		if err != nil {
			t.Fatal(err)
		}
		got := clickhouse.CompressionNone
		if opt.Compression != nil {
			got = opt.Compression.Method
		}
		if got != tt.wantMethod {
			t.Errorf("%s: compression %s, want %s", tt.endpoint, got, tt.wantMethod)
		}
	}
}

func TestHTTPSNeedsNoSecureParam(t *testing.T) {
	opt, err := (&Config{Endpoint: "https://ch.example.com:8443"}).clickhouseOptions()
	if err != nil {
		t.Fatal(err)
	}
	if opt.TLS == nil || opt.Protocol != clickhouse.HTTP {
		t.Errorf("https endpoint: TLS %v protocol %v", opt.TLS, opt.Protocol)
	}
}

func TestRedactDSN(t *testing.T) {
	tests := map[string]string{
		"tcp://user:hunter2@ch:9000/db":        "tcp://user:xxxxx@ch:9000/db",
		"http://ch:8123/?password=hunter2&x=1": "http://ch:8123/?password=xxxxx&x=1",
		"http://user:hun%zzter2@ch:8123":       "http://xxxxx@ch:8123",
		"http://ch:8123":                       "http://ch:8123",
	}
	for in, want := range tests {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
	if got := scrub("dial tcp://user:hunter2@ch:9000/db failed (hunter2)", "tcp://user:hunter2@ch:9000/db", ""); strings.Contains(got, "hunter2") {
		t.Errorf("scrub left the password: %s", got)
	}
}
