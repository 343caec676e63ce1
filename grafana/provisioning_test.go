package grafana

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
)

// DatasourceUID is the uid dashboards reference the datasource by.
const DatasourceUID = "kaizen-clickhouse"

// PasswordDataDir is the collector data dir the datasource reads the reader
// password under: a fixed path, because Grafana expands $__file{} before
// environment variables.
const PasswordDataDir = "/var/lib/kaizen"

type datasourceFile struct {
	APIVersion  int `yaml:"apiVersion"`
	Datasources []struct {
		Name     string `yaml:"name"`
		Type     string `yaml:"type"`
		UID      string `yaml:"uid"`
		JSONData struct {
			Protocol        string `yaml:"protocol"`
			Host            string `yaml:"host"`
			Port            int    `yaml:"port"`
			Username        string `yaml:"username"`
			DefaultDatabase string `yaml:"defaultDatabase"`
			Traces          struct {
				OtelEnabled     bool   `yaml:"otelEnabled"`
				DefaultDatabase string `yaml:"defaultDatabase"`
				DefaultTable    string `yaml:"defaultTable"`
				DurationUnit    string `yaml:"durationUnit"`
			} `yaml:"traces"`
		} `yaml:"jsonData"`
		SecureJSONData map[string]string `yaml:"secureJsonData"`
	} `yaml:"datasources"`
}

func TestDatasourceProvisioning(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("provisioning", "datasources", "kaizen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var f datasourceFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("parse datasource provisioning: %v", err)
	}
	if f.APIVersion != 1 || len(f.Datasources) != 1 {
		t.Fatalf("want apiVersion 1 and one datasource, got %d and %d", f.APIVersion, len(f.Datasources))
	}
	ds := f.Datasources[0]
	checks := []struct{ what, got, want string }{
		{"type", ds.Type, "grafana-clickhouse-datasource"},
		{"uid", ds.UID, DatasourceUID},
		{"protocol", ds.JSONData.Protocol, "http"},
		{"host", ds.JSONData.Host, "127.0.0.1"},
		{"username", ds.JSONData.Username, credentials.ReaderUser},
		{"defaultDatabase", ds.JSONData.DefaultDatabase, schema.DefaultDatabase},
		{"traces.defaultDatabase", ds.JSONData.Traces.DefaultDatabase, schema.DefaultDatabase},
		{"traces.defaultTable", ds.JSONData.Traces.DefaultTable, schema.TableTraces},
		{"traces.durationUnit", ds.JSONData.Traces.DurationUnit, "nanoseconds"},
		// The collector's chdb extension keeps its store in <data dir>/chdb.
		{"password", ds.SecureJSONData["password"],
			"$__file{" + PasswordDataDir + "/chdb/" + credentials.DirName + "/" + credentials.ReaderFile + "}"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if ds.JSONData.Port != 8123 {
		t.Errorf("port = %d, want 8123 (the chdb extension's default endpoint)", ds.JSONData.Port)
	}
	if !ds.JSONData.Traces.OtelEnabled {
		t.Error("traces.otelEnabled is off: runs would not open as a trace waterfall")
	}
}

// The collector must keep its store where the datasource looks for the
// password file.
func TestCollectorDataPathMatches(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "collector", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "path: ${env:KAIZEN_DATA_DIR:-./.kaizen}/chdb"; !strings.Contains(string(raw), want) {
		t.Errorf("collector/config.yaml no longer contains %q: update provisioning/datasources/kaizen.yaml", want)
	}
}

func TestDashboardProvider(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("provisioning", "dashboards", "kaizen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name    string `yaml:"name"`
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("parse dashboard provider: %v", err)
	}
	if f.APIVersion != 1 || len(f.Providers) != 1 || f.Providers[0].Type != "file" || f.Providers[0].Options.Path == "" {
		t.Fatalf("want one file provider with a path, got %+v", f)
	}
}
