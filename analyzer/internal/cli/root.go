package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/escape"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
)

// EnvDSN names the environment variable holding the ClickHouse DSN.
const EnvDSN = "KAIZEN_CLICKHOUSE_DSN"

// EnvPasswordFile names the environment variable holding a password file.
const EnvPasswordFile = "KAIZEN_CLICKHOUSE_PASSWORD_FILE"

// Config is what the commands need from their environment; tests replace
// parts of it.
type Config struct {
	Stdout, Stderr io.Writer
	// Getenv reads the environment (os.Getenv by default).
	Getenv func(string) string
	// GeminiOptions are appended to the Gemini client's options (tests set
	// short retry delays).
	GeminiOptions []gemini.Option
}

// globals are the persistent flags.
type globals struct {
	cfg     Config
	dsn     string
	pwFile  string
	format  string
	prices  string
	quiet   bool
	fmtOut  report.Format
	table   *pricing.Table
	started time.Time
}

// Main runs the kaizen command line and returns the process exit code.
func Main(ctx context.Context, args []string, cfg Config) int {
	cmd := NewRoot(cfg)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err != nil && isCobraUsage(err) {
		err = usageError{err}
	}
	if err != nil {
		if _, isWaste := err.(wasteError); !isWaste {
			// Errors can carry stored strings (span ids, ClickHouse messages): escaped.
			fmt.Fprintf(cmd.ErrOrStderr(), "kaizen: %s\n", escape.Text(err.Error()))
		}
		if ExitCode(err) == ExitUsage {
			fmt.Fprintf(cmd.ErrOrStderr(), "Run '%s --help' for usage.\n", escape.Text(strings.TrimSpace("kaizen "+subcommand(cmd, args))))
		}
	}
	return ExitCode(err)
}

// Version is the kaizen version, set at build time with
// -ldflags "-X github.com/kaizenhq/kaizen/analyzer/internal/cli.Version=…";
// without it, the module version or VCS revision the binary was built from.
var Version = ""

func version() string {
	v := Version
	if info, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = info.Main.Version
		var rev, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if (v == "" || v == "(devel)") && rev != "" {
			v = "devel-" + rev[:min(12, len(rev))] + dirty
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	return v + " (analyzer " + analysis.Version + ")"
}

func subcommand(root *cobra.Command, args []string) string {
	if c, _, err := root.Find(args); err == nil && c != root {
		return c.Name()
	}
	return ""
}

// NewRoot builds the command tree.
func NewRoot(cfg Config) *cobra.Command {
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	g := &globals{cfg: cfg}
	root := &cobra.Command{
		Use:   "kaizen",
		Short: "Find the money your multi-agent LLM workflows waste",
		Long: `kaizen reads the workflow runs Kaizen's collector stored in ClickHouse and names the
wasted LLM calls (redundant calls, model overkill, prompt bloat, cache misses, retries, loops),
with savings recomputed from exact prices.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return g.init()
		},
	}
	root.SetOut(cfg.Stdout)
	root.SetErr(cfg.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.dsn, "dsn", "", "ClickHouse DSN (env "+EnvDSN+", default "+store.DefaultDSN+")")
	pf.StringVar(&g.pwFile, "password-file", "", "file holding the ClickHouse password (env "+EnvPasswordFile+"; default: the embedded store's generated writer password under $KAIZEN_DATA_DIR, ./.kaizen)")
	pf.StringVar(&g.format, "format", "text", "output format: text, markdown or json")
	pf.StringVar(&g.prices, "prices", "", "price file (YAML) merged over the embedded price table")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "no progress lines on stderr")
	root.AddCommand(newTracesCmd(g), newShowCmd(g), newAnalyzeCmd(g), newWhatIfCmd(g), newDiffCmd(g), newServeCmd(g))
	return root
}

func (g *globals) init() error {
	g.started = time.Now()
	f, err := report.ParseFormat(g.format)
	if err != nil {
		return usageError{err}
	}
	g.fmtOut = f
	if g.dsn == "" {
		g.dsn = g.cfg.Getenv(EnvDSN)
	}
	if g.dsn == "" {
		g.dsn = store.DefaultDSN
	}
	if g.dsn, err = g.withPassword(g.dsn); err != nil {
		return err
	}
	g.table = pricing.Default()
	if g.prices != "" {
		if g.table, err = pricing.Load(g.prices); err != nil {
			return err
		}
	}
	return nil
}

// withPassword adds the password file's password to a DSN without one,
// with the embedded store's writer as user when the DSN names none. With
// no file named, the collector's generated one is used when it exists.
func (g *globals) withPassword(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn, nil // store.Open reports the malformed DSN
	}
	if _, has := u.User.Password(); has {
		return dsn, nil
	}
	file := cmp.Or(g.pwFile, g.cfg.Getenv(EnvPasswordFile))
	if file == "" {
		generated := filepath.Join(credentials.Dir(filepath.Join(cmp.Or(g.cfg.Getenv("KAIZEN_DATA_DIR"), ".kaizen"), "chdb")), credentials.WriterFile)
		if _, err := os.Stat(generated); err != nil {
			return dsn, nil
		}
		file = generated
	}
	pw, err := credentials.Read(file)
	if err != nil {
		return "", usageError{fmt.Errorf("ClickHouse password: %w", err)}
	}
	user := credentials.WriterUser
	if u.User != nil && u.User.Username() != "" {
		user = u.User.Username()
	}
	u.User = url.UserPassword(user, pw)
	return u.String(), nil
}

// progress writes one stage line on stderr.
func (g *globals) progress(stage, format string, args ...any) {
	if g.quiet {
		return
	}
	fmt.Fprintf(g.cfg.Stderr, "kaizen: %-7s %s (%s)\n", stage+":", escape.Text(fmt.Sprintf(format, args...)),
		report.Duration(time.Since(g.started)))
}

// open connects to ClickHouse.
func (g *globals) open(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, g.dsn)
}

// exactArgs is cobra.ExactArgs returning a usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("expected %s, got %d argument(s)", what, len(args))
		}
		return nil
	}
}

// traceArg validates the trace id argument before any query.
func traceArg(args []string) (string, error) {
	id, err := store.NormalizeTraceID(args[0])
	if err != nil {
		return "", usageError{err}
	}
	return id, nil
}
