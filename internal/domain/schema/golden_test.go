package schema

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden DDL files")

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"single_node", Options{}},
		{"single_node_ttl", Options{Database: "kaizen_prod", TTL: 30 * 24 * time.Hour}},
		{"cluster", Options{Cluster: "kaizen_cluster", TTL: 72 * time.Hour}},
		{"cluster_shared", Options{Cluster: "default", Engine: EngineShared}},
		{"cluster_plain_shards", Options{Cluster: "shards", Engine: EngineMergeTree}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts, err := Render(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(stmts, ";\n\n") + ";\n"
			path := filepath.Join("testdata", tt.name+".sql")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/domain/schema -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("DDL differs from %s (run with -update after checking the change):\n%s", path, got)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"bad database", Options{Database: "kaizen; DROP"}, "database"},
		{"bad cluster", Options{Cluster: "a b"}, "cluster"},
		{"negative ttl", Options{TTL: -time.Hour}, "must not be negative"},
		{"tiny ttl", Options{TTL: time.Millisecond}, "at least 1s"},
		{"unknown engine", Options{Engine: "Log"}, "engine"},
		{"quote in path", Options{Cluster: "c", ReplicationPath: "/x'y"}, "replication path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want error mentioning %q", err, tt.want)
			}
			if _, err := Render(tt.opts); err == nil {
				t.Error("Render accepted invalid options")
			}
		})
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
}

func TestInterval(t *testing.T) {
	tests := map[time.Duration]string{
		48 * time.Hour:   "toIntervalDay(2)",
		5 * time.Hour:    "toIntervalHour(5)",
		90 * time.Minute: "toIntervalMinute(90)",
		61 * time.Second: "toIntervalSecond(61)",
	}
	for d, want := range tests {
		if got := interval(d); got != want {
			t.Errorf("interval(%s) = %s, want %s", d, got, want)
		}
	}
}

func TestMigrationsAppendOnly(t *testing.T) {
	for i, m := range Migrations {
		if m.Version != i+1 {
			t.Errorf("migration %d has version %d: versions must be 1..n in order", i, m.Version)
		}
	}
}
