package chserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestJSClient runs ClickHouse's official JS client (@clickhouse/client,
// installed into .deps/node by `make deps`) against the server. It fails,
// rather than skips, when node or the module is missing.
func TestJSClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required for this test (apt-get install nodejs): %v", err)
	}
	modules := filepath.Join(moduleRoot(t), ".deps", "node", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "@clickhouse", "client")); err != nil {
		t.Fatalf("@clickhouse/client is not installed in %s: run `make deps` (scripts/install-node-deps.sh): %v", modules, err)
	}
	db := chtest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "jsclient.js"), chtest.URL(), db)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node jsclient.js: %v\nstderr:\n%s", err, stderr.String())
	}
	var rows []struct {
		ID   uint64   `json:"id"`
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &rows); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	if len(rows) != 3 || rows[1].Name != "ü\n\nsecond" || len(rows[2].Tags) != 2 || rows[0].ID != 1 {
		t.Errorf("rows = %+v", rows)
	}
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".js_events"); got != "3" {
		t.Errorf("stored rows = %s, want 3", got)
	}
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}
