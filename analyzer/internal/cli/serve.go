package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/api"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/scheduler"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
)

// EnvAPIToken names the environment variable holding the API token.
const EnvAPIToken = "KAIZEN_API_TOKEN"

// DefaultListen is where kaizen serve listens: loopback only.
const DefaultListen = "127.0.0.1:8790"

type serveFlags struct {
	listen, tokenFile, shard, budget, logFormat string
	allowedHosts                                []string
	sched                                       scheduler.Config
}

func newServeCmd(g *globals) *cobra.Command {
	var fl serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Analyze every finished run continuously and serve the HTTP API",
		Long: `serve analyzes every run whose last span ended more than --settle ago and that has no
analysis by this analyzer version, offline, --concurrency at a time; a run that gains spans
after its analysis, a run whose analysis failed (after --retry-after, up to --max-attempts)
and a run another server left pending or analyzing for --stale-after are analyzed again.
With --gemini the dearest runs also go to Gemini until --gemini-budget-usd is spent for the
day (UTC), as the analyses rows record it. Several servers share one store with
--shard i/N, each analyzing the runs whose trace id hashes to its shard.

The HTTP API (JSON, /api/v1, described at /api/v1/openapi.json) lists runs, workflows and
findings, starts analyses on demand and serves their results; /healthz and /metrics
(Prometheus) are beside it. It listens on loopback unless --listen says otherwise, which
needs an API token (--token-file or ` + EnvAPIToken + `).`,
		Example: `  kaizen serve
  kaizen serve --gemini --gemini-budget-usd 5
  kaizen serve --listen 0.0.0.0:8790 --token-file /etc/kaizen/api.token --shard 0/2`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return g.serve(cmd.Context(), fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.listen, "listen", DefaultListen, "address of the HTTP API")
	f.StringVar(&fl.tokenFile, "token-file", "", "file holding the API token (env "+EnvAPIToken+"); required to listen beyond loopback")
	f.StringSliceVar(&fl.allowedHosts, "allowed-host", nil, "Host header values served besides loopback names when no token is set")
	f.StringVar(&fl.logFormat, "log-format", "json", "log format on stderr: json or text")
	f.DurationVar(&fl.sched.Settle, "settle", scheduler.DefaultSettle, "a run is finished once its last span ended this long ago")
	f.DurationVar(&fl.sched.Lookback, "lookback", scheduler.DefaultLookback, "analyze runs that started this recently")
	f.DurationVar(&fl.sched.Interval, "interval", scheduler.DefaultInterval, "pause between backlog reads when nothing is due")
	f.IntVar(&fl.sched.Concurrency, "concurrency", scheduler.DefaultConcurrency, "analyses running at once")
	f.DurationVar(&fl.sched.StaleAfter, "stale-after", scheduler.DefaultStaleAfter, "take over analyses pending or analyzing for longer (their server died)")
	f.DurationVar(&fl.sched.RetryAfter, "retry-after", scheduler.DefaultRetryAfter, "retry a failed analysis after this long")
	f.IntVar(&fl.sched.MaxAttempts, "max-attempts", scheduler.DefaultMaxAttempts, "failed analyses of a run before it is left alone")
	f.StringVar(&fl.shard, "shard", "0/1", "i/N: analyze the runs of shard i of N (trace id hash)")
	f.DurationVar(&fl.sched.Grace, "grace", scheduler.DefaultGrace, "at shutdown, wait this long for running analyses before interrupting them")
	f.BoolVar(&fl.sched.Gemini, "gemini", false, "also send runs to Gemini, the dearest first, within the daily budget")
	f.StringVar(&fl.budget, "gemini-budget-usd", scheduler.DefaultGeminiBudget.String(), "daily (UTC) Gemini budget in USD for --gemini")
	f.StringVar(&fl.sched.Model, "model", gemini.DefaultModel, "Gemini model")
	f.DurationVar(&fl.sched.GeminiTimeout, "gemini-timeout", gemini.DefaultTimeout, "overall Gemini timeout per analysis, retries included")
	return cmd
}

// serveConfig checks the flags and returns the scheduler configuration and
// the API token.
func (g *globals) serveConfig(fl serveFlags) (scheduler.Config, string, error) {
	cfg := fl.sched
	i, n, ok := strings.Cut(fl.shard, "/")
	var err1, err2 error
	cfg.Shard, err1 = strconv.Atoi(i)
	cfg.Shards, err2 = strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return cfg, "", usagef("--shard %q: want i/N, e.g. 0/2", fl.shard)
	}
	budget, err := pricing.ParseUSD(fl.budget)
	if err != nil || budget <= 0 {
		return cfg, "", usagef("--gemini-budget-usd %q: want a positive dollar amount such as 5", fl.budget)
	}
	cfg.GeminiBudget = budget
	// Zero means "the default" in scheduler.Config; on the command line it is a mistake.
	if cfg.Concurrency < 1 || cfg.MaxAttempts < 1 {
		return cfg, "", usagef("--concurrency %d, --max-attempts %d: both must be at least 1", cfg.Concurrency, cfg.MaxAttempts)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, "", usageError{err}
	}
	if fl.logFormat != "json" && fl.logFormat != "text" {
		return cfg, "", usagef("--log-format %q: want json or text", fl.logFormat)
	}
	token := g.cfg.Getenv(EnvAPIToken)
	if fl.tokenFile != "" {
		if token, err = credentials.Read(fl.tokenFile); err != nil {
			return cfg, "", usagef("--token-file: %w", err)
		}
	}
	host, _, err := net.SplitHostPort(fl.listen)
	if err != nil {
		return cfg, "", usagef("--listen %q: %w", fl.listen, err)
	}
	if ip := net.ParseIP(host); token == "" && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return cfg, "", usagef("--listen %s reaches beyond this machine: set an API token (--token-file or %s)", fl.listen, EnvAPIToken)
	}
	return cfg, token, nil
}

func (g *globals) serve(ctx context.Context, fl serveFlags) error {
	cfg, token, err := g.serveConfig(fl)
	if err != nil {
		return err
	}
	var h slog.Handler = slog.NewJSONHandler(g.cfg.Stderr, nil)
	if fl.logFormat == "text" {
		h = slog.NewTextHandler(g.cfg.Stderr, nil)
	}
	log := slog.New(h)
	// Bind first, so a taken port fails before anything else starts.
	ln, err := net.Listen("tcp", fl.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", fl.listen, err)
	}
	defer ln.Close()
	s, err := g.openRetrying(ctx, log)
	if err != nil {
		return err
	}
	defer s.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	an := analysis.New(s, g.table, nil, g.cfg.GeminiOptions...)
	sched, err := scheduler.New(s, an, cfg, log, reg)
	if err != nil {
		return usageError{err}
	}
	handler, err := api.New(api.Config{Store: s, Submitter: sched, Analyzer: an, Prices: g.table, Gatherer: reg, Token: token,
		AllowedHosts: fl.allowedHosts, Log: log})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(h, slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("kaizen serve started", "listen", ln.Addr().String(), "store", s.Endpoint(), "analyzer_version", analysis.Version,
		"shard", fmt.Sprintf("%d/%d", cfg.Shard, max(cfg.Shards, 1)), "settle", cfg.Settle.String(), "concurrency", cfg.Concurrency,
		"gemini", cfg.Gemini, "gemini_budget_usd", cfg.GeminiBudget.String(), "token", token != "", "prices", g.table.Version())

	schedCtx, stopSched := context.WithCancel(ctx)
	defer stopSched()
	analyzed := make(chan error, 1)
	go func() { analyzed <- sched.Run(schedCtx) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
		serveErr = fmt.Errorf("HTTP API on %s stopped: %w", fl.listen, serveErr)
	}
	log.Info("shutting down", "grace", cfg.Grace.String())
	stopSched()
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(hctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("HTTP API did not close cleanly", "error", err)
	}
	if err := <-analyzed; err != nil {
		log.Warn("analyses interrupted", "error", err)
	}
	if serveErr != nil {
		return serveErr
	}
	log.Info("kaizen serve stopped")
	return nil
}

// openRetrying connects to the store, retrying while it is not up yet (the
// collector may start after kaizen serve).
func (g *globals) openRetrying(ctx context.Context, log *slog.Logger) (*store.Store, error) {
	wait := time.Second
	for {
		s, err := g.open(ctx)
		if err == nil {
			return s, nil
		}
		log.Warn("store unavailable, retrying", "error", err, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("stopped before the store answered: %w", err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}
