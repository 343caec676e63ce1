package queuestorageextension

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/kaizenhq/kaizen/extension/queuestorageextension/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id      component.ID
		want    Config
		wantErr string
	}{
		{id: component.NewID(metadata.Type), want: Config{Directory: "/var/lib/kaizen/queue"}},
		{id: component.NewIDWithName(metadata.Type, "durable"), want: Config{Directory: "/var/lib/kaizen/queue-durable", FSync: true}},
		{id: component.NewIDWithName(metadata.Type, "nodir"), wantErr: "directory is required"},
		{id: component.NewIDWithName(metadata.Type, "file"), wantErr: "is not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
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
			if got := *cfg.(*Config); got != tt.want {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
	if err := confmap.Validate(NewFactory().CreateDefaultConfig()); err == nil {
		t.Error("the default config (no directory) validated")
	}
}

func TestFactory(t *testing.T) {
	f := NewFactory()
	if f.Type() != metadata.Type || f.Type().String() != "queue_storage" {
		t.Errorf("type = %s", f.Type())
	}
	if f.Stability() != metadata.ExtensionStability {
		t.Errorf("stability = %s", f.Stability())
	}
}

// TestLifecycle starts the extension as the collector would on a directory
// that does not exist yet, stores through a client, shuts down, starts again
// and reads the value back.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data", "queue")
	f := NewFactory()
	cfg := &Config{Directory: dir}
	if err := componenttest.CheckConfigStruct(cfg); err != nil {
		t.Fatal(err)
	}
	run := func(fn func(c storage.Client)) {
		ext, err := f.Create(ctx, extensiontest.NewNopSettings(metadata.Type), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := ext.Start(ctx, componenttest.NewNopHost()); err != nil {
			t.Fatal(err)
		}
		c, err := ext.(storage.Extension).GetClient(ctx, component.KindExporter, queueID, "")
		if err != nil {
			t.Fatal(err)
		}
		fn(c)
		// The client is left open: Shutdown must release it (and its lock).
		if err := ext.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ext.Shutdown(ctx); err != nil {
			t.Fatalf("second shutdown: %v", err)
		}
	}
	run(func(c storage.Client) {
		if err := c.Set(ctx, "wi", []byte("3")); err != nil {
			t.Fatal(err)
		}
	})
	run(func(c storage.Client) {
		if v, err := c.Get(ctx, "wi"); err != nil || string(v) != "3" {
			t.Fatalf("after restart Get = %q, %v", v, err)
		}
	})
}

func TestStartFailsOnUnusableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(metadata.Type), &Config{Directory: filepath.Join(file, "queue")})
	if err != nil {
		t.Fatal(err)
	}
	err = ext.Start(context.Background(), componenttest.NewNopHost())
	if err == nil || !strings.Contains(err.Error(), "create directory") {
		t.Fatalf("Start under a file = %v, want a create directory error", err)
	}
}
