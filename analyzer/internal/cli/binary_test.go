package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// TestBinary builds the kaizen binary and runs it as a user would, against
// the embedded ClickHouse and the fake Gemini (configured through the
// SDK's own GOOGLE_GEMINI_BASE_URL).
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := e2e.BuildKaizen(context.Background(), t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	srv := geminitest.New(t, geminitest.Reply{Text: geminiAnswer, PromptTokens: 4000, OutputTokens: 300})
	dsn := storetest.NewDatabase(t)
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), EnvDSN + "=" + dsn,
		"GEMINI_API_KEY=test-key", "GOOGLE_GEMINI_BASE_URL=" + srv.URL}
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return out.String(), errb.String(), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), 0
	}
	stdout, stderr, code := run("analyze", r.TraceID, "--format", "json")
	if code != 0 || decode(t, stdout)["mode"] != "gemini" {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, _, code := run("analyze", r.TraceID, "--offline", "--max-waste-usd", "0.001"); code != ExitWaste {
		t.Errorf("gate: exit %d, want %d", code, ExitWaste)
	}
	if _, stderr, code := run("show", "zz"); code != ExitUsage || !strings.Contains(stderr, "invalid trace id") {
		t.Errorf("bad id: exit %d %s", code, stderr)
	}
}
