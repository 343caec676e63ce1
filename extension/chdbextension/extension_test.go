package chdbextension

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"github.com/kaizenhq/kaizen/extension/chdbextension/internal/metadata"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id      component.ID
		want    *Config
		wantErr string
	}{
		{id: component.NewID(metadata.Type), want: createDefaultConfig().(*Config)},
		{id: component.NewIDWithName(metadata.Type, "custom"), want: &Config{
			Endpoint: "127.0.0.1:18123", Path: "/var/lib/kaizen/chdb", CredentialsDir: "/var/lib/kaizen/credentials",
			WriterPassword: ptr(configopaque.String("not-a-real-secret")), AllowedOrigins: []string{"http://localhost:3000"},
			AllowedHosts: []string{"kaizen.internal"}, MaxStagedBytes: 512 << 20,
			MaxRequestBytes: 64 << 20, QueryTimeout: 90 * time.Second, MaxConnections: 32,
		}},
		{id: component.NewIDWithName(metadata.Type, "emptypassword"), wantErr: "reader_password is set but empty"},
		{id: component.NewIDWithName(metadata.Type, "open"), wantErr: "empty host would listen on every interface"},
		{id: component.NewIDWithName(metadata.Type, "nopath"), wantErr: "path: the data directory"},
		{id: component.NewIDWithName(metadata.Type, "negconns"), wantErr: "max_connections -1: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := createDefaultConfig()
			sub, err := cm.Sub(tt.id.String())
			if err != nil {
				t.Fatal(err)
			}
			if err := sub.Unmarshal(cfg); err != nil {
				t.Fatal(err)
			}
			err = confmap.Validate(cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate() = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := *cfg.(*Config); !reflect.DeepEqual(got, *tt.want) {
				t.Errorf("config = %+v, want %+v", got, *tt.want)
			}
		})
	}
}

func TestFactory(t *testing.T) {
	f := NewFactory()
	if f.Type() != metadata.Type || f.Stability() != metadata.ExtensionStability {
		t.Errorf("type %s stability %s", f.Type(), f.Stability())
	}
	if err := componenttest.CheckConfigStruct(f.CreateDefaultConfig()); err != nil {
		t.Error(err)
	}
	cfg := f.CreateDefaultConfig().(*Config)
	if cfg.Endpoint != "127.0.0.1:8123" {
		t.Errorf("default endpoint %q is not loopback 127.0.0.1:8123", cfg.Endpoint)
	}
}

func ptr[T any](v T) *T { return &v }

// post runs a statement over the extension's HTTP interface as the
// generated writer.
func post(t *testing.T, e *chdbExtension, query, body string) string {
	t.Helper()
	pw, err := credentials.Read(filepath.Join(e.cfg.credentialsDir(), credentials.WriterFile))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, e.server.URL()+"/?query="+url.QueryEscape(query), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(credentials.WriterUser, pw)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", query, resp.StatusCode, out)
	}
	return string(out)
}

// TestLifecycle starts the extension as the collector would, writes rows,
// shuts down (releasing the data path), starts again on the same path and
// finds the rows.
func TestLifecycle(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.Endpoint, cfg.Path = "127.0.0.1:0", t.TempDir()
	ctx := context.Background()
	start := func() *chdbExtension {
		ext, err := f.Create(ctx, extensiontest.NewNopSettings(metadata.Type), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := ext.Start(ctx, componenttest.NewNopHost()); err != nil {
			t.Fatal(err)
		}
		return ext.(*chdbExtension)
	}
	e := start()
	// Nothing is served without the generated credentials.
	resp, err := http.Post(e.server.URL()+"/?query=SELECT+1", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("query without credentials: status %d, want 401", resp.StatusCode)
	}
	post(t, e, "CREATE DATABASE kaizen", "")
	post(t, e, "CREATE TABLE kaizen.t (n UInt64, s String) ENGINE = MergeTree ORDER BY n", "")
	post(t, e, "INSERT INTO kaizen.t FORMAT TSV", "1\tone\n2\ttwo\n3\tthree\n")
	if err := e.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Shutdown(ctx); err != nil {
		t.Fatalf("second shutdown: %v", err)
	}
	e = start()
	if got := post(t, e, "SELECT count(), sum(n) FROM kaizen.t", ""); got != "3\t6\n" {
		t.Errorf("after restart: %q, want 3 rows", got)
	}
	// A second extension on the same process cannot open another store.
	other, _ := f.Create(ctx, extensiontest.NewNopSettings(metadata.Type), &Config{Endpoint: "127.0.0.1:0", Path: t.TempDir()})
	if err := other.Start(ctx, componenttest.NewNopHost()); err == nil || !strings.Contains(err.Error(), "already open") {
		t.Errorf("second store: %v, want an already-open error", err)
	}
	if err := e.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	// Shutdown without Start is a no-op.
	if err := (&chdbExtension{cfg: cfg}).Shutdown(ctx); err != nil {
		t.Error(err)
	}
}
