package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// CollectorPackage is the import path of the kaizen-collector main package.
const CollectorPackage = "github.com/kaizenhq/kaizen/collector/cmd/kaizen-collector"

// KaizenPackage is the import path of the kaizen CLI's main package.
const KaizenPackage = "github.com/kaizenhq/kaizen/analyzer/cmd/kaizen"

// BuildCollector builds kaizen-collector into dir and returns its path.
// With race it is built with the race detector: a test binary built with
// -race then reuses its compiled packages, and the collector runs checked.
func BuildCollector(ctx context.Context, dir string, race bool) (string, error) {
	return build(ctx, filepath.Join(dir, "kaizen-collector"), CollectorPackage, race)
}

// BuildKaizen builds the kaizen CLI into dir and returns its path.
func BuildKaizen(ctx context.Context, dir string, race bool) (string, error) {
	return build(ctx, filepath.Join(dir, "kaizen"), KaizenPackage, race)
}

func build(ctx context.Context, bin, pkg string, race bool) (string, error) {
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	if out, err := exec.CommandContext(ctx, "go", append(args, pkg)...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// Process is a collector binary running as a child process.
type Process struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// StartProcess starts bin with the given --config URIs and extra
// environment, logging to logPath.
func StartProcess(bin string, configs []string, env []string, logPath string) (*Process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("collector log: %w", err)
	}
	var args []string
	for _, c := range configs {
		args = append(args, "--config", c)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &Process{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// LogTail returns the last n lines of the process's log.
func (p *Process) LogTail(n int) string {
	data, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// WaitHealthy waits until the health_check extension at healthAddr answers
// 200, failing early (with the log's tail) if the process exits.
func (p *Process) WaitHealthy(ctx context.Context, healthAddr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+healthAddr+"/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("collector exited (%v) before it was healthy:\n%s", p.err, p.LogTail(30))
		case <-ctx.Done():
			return fmt.Errorf("collector not healthy on %s after %s:\n%s", healthAddr, timeout, p.LogTail(30))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Kill sends SIGKILL and waits for the process to exit.
func (p *Process) Kill() error {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill collector: %w", err)
	}
	<-p.done
	return nil
}

// Stop sends SIGTERM and waits up to timeout for a clean exit, then kills.
func (p *Process) Stop(timeout time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		_ = p.Kill()
		return fmt.Errorf("collector did not stop within %s after SIGTERM:\n%s", timeout, p.LogTail(20))
	}
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
