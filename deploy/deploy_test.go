package deploy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// secrets are what a user puts in deploy/.env.
var secrets = map[string]string{
	"KAIZEN_CLICKHOUSE_PASSWORD": "w-pass", "KAIZEN_CLICKHOUSE_READER_PASSWORD": "r-pass",
	"KAIZEN_GRAFANA_ADMIN_PASSWORD": "g-pass", "KAIZEN_API_TOKEN": "t0ken",
}

func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	var pairs []string
	for k, v := range env {
		pairs = append(pairs, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{"compose.yaml"}, cli.WithEnv(pairs), cli.WithWorkingDirectory("."), cli.WithName("kaizen"))
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

func TestComposeLoads(t *testing.T) {
	p, err := loadCompose(t, secrets)
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	var names []string
	for name := range p.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"clickhouse", "collector", "grafana", "kaizen"}) {
		t.Fatalf("services %v", names)
	}
	for name, s := range p.Services {
		for _, port := range s.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %s on %q: every published port binds loopback", name, port.Published, port.HostIP)
			}
		}
		if s.Build != nil {
			if _, err := os.Stat(filepath.Join(s.Build.Context, s.Build.Dockerfile)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					t.Errorf("%s mounts %s: %v", name, v.Source, err)
				}
			}
		}
	}
	if got := *p.Services["kaizen"].Environment["KAIZEN_API_TOKEN"]; got != "t0ken" {
		t.Errorf("kaizen serve's token %q", got)
	}
	// Without its secrets the file refuses to load, naming what is missing.
	for k := range secrets {
		env := map[string]string{}
		for k2, v := range secrets {
			if k2 != k {
				env[k2] = v
			}
		}
		if _, err := loadCompose(t, env); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("without %s: %v", k, err)
		}
	}
}

// TestCollectorConfigValidates runs the built collector's own `validate`
// on the configuration the collector image runs, with the compose
// service's environment.
func TestCollectorConfigValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the collector")
	}
	p, err := loadCompose(t, secrets)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin, err := e2e.BuildCollector(ctx, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join("..", "collector", "config.clickhouse.yaml")
	if !strings.Contains(readFile(t, "Dockerfile.collector"), "COPY collector/config.clickhouse.yaml /etc/kaizen/config.clickhouse.yaml") {
		t.Fatal("Dockerfile.collector no longer ships collector/config.clickhouse.yaml")
	}
	cmd := exec.CommandContext(ctx, bin, "validate", "--config", config)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range p.Services["collector"].Environment {
		cmd.Env = append(cmd.Env, k+"="+*v)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kaizen-collector validate: %v\n%s", err, out)
	}
}

// TestKaizenServeCommandParses gives kaizen serve the compose service's
// command line and environment; --help stops it after parsing every flag.
func TestKaizenServeCommandParses(t *testing.T) {
	p, err := loadCompose(t, secrets)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Services["kaizen"]
	env := map[string]string{}
	for k, v := range s.Environment {
		env[k] = *v
	}
	if !strings.HasPrefix(env["KAIZEN_CLICKHOUSE_DSN"], "clickhouse://kaizen_writer:w-pass@clickhouse:9000/kaizen") {
		t.Errorf("DSN %q", env["KAIZEN_CLICKHOUSE_DSN"])
	}
	bin, err := e2e.BuildKaizen(context.Background(), t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(slices.Clone(s.Command), "--help")...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--listen") {
		t.Errorf("kaizen %v: %v\n%s", s.Command, err, out)
	}
}

// TestImagesBuildWhatTheyRun: each Dockerfile builds a package of this
// module into the path its ENTRYPOINT runs.
func TestImagesBuildWhatTheyRun(t *testing.T) {
	build := regexp.MustCompile(`go build .*-o (\S+) (\./\S+)`)
	copyBin := regexp.MustCompile(`COPY --from=build (\S+) (\S+)`)
	entry := regexp.MustCompile(`ENTRYPOINT \["([^"]+)"`)
	for _, f := range []string{"Dockerfile.collector", "Dockerfile.kaizen"} {
		t.Run(f, func(t *testing.T) {
			text := readFile(t, f)
			b, c, e := build.FindStringSubmatch(text), copyBin.FindStringSubmatch(text), entry.FindStringSubmatch(text)
			if b == nil || c == nil || e == nil {
				t.Fatalf("want a go build, a COPY --from=build and an ENTRYPOINT:\n%s", text)
			}
			if c[1] != b[1] || e[1] != c[2] {
				t.Errorf("builds %s, copies %s to %s, runs %s", b[1], c[1], c[2], e[1])
			}
			if _, err := os.Stat(filepath.Join("..", b[2], "main.go")); err != nil {
				t.Errorf("builds %s: %v", b[2], err)
			}
		})
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
