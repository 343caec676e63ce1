package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
)

type analyzeFlags struct {
	offline       bool
	model         string
	timeout       time.Duration
	noStore       bool
	maxWasteUSD   string
	maxWastePct   float64
	maxWastePctOn bool
}

func newAnalyzeCmd(g *globals) *cobra.Command {
	var fl analyzeFlags
	cmd := &cobra.Command{
		Use:   "analyze <trace-id>",
		Short: "Find wasted calls in a run, verify savings and store the findings",
		Long: `analyze runs the deterministic detectors on a run, asks Gemini (unless offline) to judge what
rules cannot, verifies and re-prices every finding, stores an analyses row and the findings, and
prints the report. Gemini runs when GEMINI_API_KEY / GOOGLE_API_KEY or Vertex AI (GOOGLE_GENAI_USE_VERTEXAI,
GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION) is configured, and is skipped with --offline.`,
		Example: `  kaizen analyze 4bf92f3577b34da6a3ce929d0e0e4736
  kaizen analyze 4bf92f3577b34da6a3ce929d0e0e4736 --offline --format json
  kaizen analyze 4bf92f3577b34da6a3ce929d0e0e4736 --max-waste-pct 20   # exit 3 above 20% waste`,
		Args: exactArgs(1, "one trace id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			fl.maxWastePctOn = cmd.Flags().Changed("max-waste-pct")
			gate, err := parseGate(fl)
			if err != nil {
				return err
			}
			if _, err := traceArg(args); err != nil {
				return err
			}
			return g.analyze(cmd.Context(), args, fl, gate)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&fl.offline, "offline", false, "skip Gemini: deterministic detectors only (default when no Gemini credentials are set)")
	f.StringVar(&fl.model, "model", gemini.DefaultModel, "Gemini model")
	f.DurationVar(&fl.timeout, "gemini-timeout", gemini.DefaultTimeout, "overall Gemini timeout, retries included")
	f.BoolVar(&fl.noStore, "no-store", false, "do not write analyses and findings rows")
	f.StringVar(&fl.maxWasteUSD, "max-waste-usd", "", "CI gate: exit 3 when verified savings per run exceed this many USD")
	f.Float64Var(&fl.maxWastePct, "max-waste-pct", 0, "CI gate: exit 3 when verified savings exceed this percentage of the run's cost")
	return cmd
}

func (g *globals) analyze(ctx context.Context, args []string, fl analyzeFlags, gate *report.Gate) error {
	s, r, _, err := g.fetch(ctx, args)
	if err != nil {
		return err
	}
	defer s.Close()
	a := store.NewAnalysis(r.TraceID, r.Workflow, time.Now())
	a.Calls, a.Model = len(r.Calls), fl.model
	save := func(st store.Status) error {
		if fl.noStore {
			return nil
		}
		return s.SaveAnalysis(ctx, a, st)
	}
	fail := func(err error) error {
		a.Error = err.Error()
		if serr := save(store.StatusFailed); serr != nil {
			return fmt.Errorf("%w (and recording the failure failed: %v)", err, serr)
		}
		return err
	}
	if err := save(store.StatusPending); err != nil {
		return err
	}
	if err := save(store.StatusAnalyzing); err != nil {
		return fail(err)
	}

	hints := detect.Run(r, g.table)
	g.progress("detect", "%d candidate findings", len(hints))
	rep := &report.Analysis{TraceID: r.TraceID, Workflow: r.Workflow, Calls: len(r.Calls), PriceVersion: g.table.Version(),
		Mode: "offline", Gate: gate}
	if !fl.noStore {
		rep.AnalysisID = a.ID.String()
	}
	all := append([]run.Finding(nil), hints...)
	all = append(all, g.askGemini(ctx, r, hints, fl, rep)...)

	verified, stats := verify.Verify(r, all, g.table)
	rep.Findings, rep.Stats, rep.Summary = verified, stats, verify.Summarize(r, verified)
	g.progress("verify", "%s", stats)

	a.Mode, a.Model = rep.Mode, rep.Gemini.Model
	a.OriginalCost, a.OptimizedCost, a.Savings = rep.Summary.Original, rep.Summary.Optimized, rep.Summary.Savings
	a.Findings = len(verified)
	a.AnalysisInputTokens, a.AnalysisOutputTokens, a.AnalysisCost = rep.Gemini.InputTokens, rep.Gemini.OutputTokens, rep.Gemini.Cost
	if rep.Gemini.Status == "failed" {
		a.Error = "gemini: " + rep.Gemini.Reason
	}
	if !fl.noStore {
		if err := s.SaveFindings(ctx, a, verified); err != nil {
			return fail(err)
		}
		if err := save(store.StatusAnalyzed); err != nil {
			return err
		}
		g.progress("store", "analysis %s: %d findings written", a.ID, len(verified))
	}
	if gate != nil {
		evaluateGate(gate, rep.Summary)
	}
	if err := report.WriteAnalysis(g.cfg.Stdout, g.fmtOut, rep); err != nil {
		return err
	}
	if gate != nil && gate.Exceeded {
		return wasteError{gate.Reason}
	}
	return nil
}

// askGemini runs the Gemini stage and records its outcome in rep. It never
// fails the analysis: on any error the report says why Gemini is missing.
func (g *globals) askGemini(ctx context.Context, r *run.Run, hints []run.Finding, fl analyzeFlags, rep *report.Analysis) []run.Finding {
	rep.Gemini.Model = fl.model
	backend, ok := gemini.Credentials()
	switch {
	case fl.offline:
		rep.Gemini.Status, rep.Gemini.Reason = "skipped", "--offline"
	case !ok:
		rep.Gemini.Status, rep.Gemini.Reason = "skipped", "no credentials (set GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION)"
	}
	if rep.Gemini.Status == "skipped" {
		rep.Gemini.Model = ""
		g.progress("gemini", "skipped: %s", rep.Gemini.Reason)
		return nil
	}
	opts := append([]gemini.Option{gemini.WithModel(fl.model), gemini.WithTimeout(fl.timeout), gemini.WithPrices(g.table),
		gemini.WithRetryObserver(func(attempt, status int, wait time.Duration) {
			g.progress("gemini", "attempt %d answered HTTP %d, retrying in %s", attempt, status, wait.Round(time.Millisecond))
		})}, g.cfg.GeminiOptions...)
	c, err := gemini.New(ctx, opts...)
	if err != nil {
		rep.Gemini.Status, rep.Gemini.Reason = "failed", err.Error()
		g.progress("gemini", "failed: %v", err)
		return nil
	}
	g.progress("gemini", "asking %s via %s", fl.model, backend)
	res, err := c.Analyze(ctx, r, hints)
	if res != nil {
		rep.Gemini.Model, rep.Gemini.InputTokens, rep.Gemini.OutputTokens, rep.Gemini.Cost = res.Model, res.InputTokens, res.OutputTokens, res.Cost
	}
	if err != nil {
		rep.Gemini.Status, rep.Gemini.Reason = "failed", err.Error()
		g.progress("gemini", "failed, continuing offline: %v", err)
		return nil
	}
	rep.Mode, rep.Gemini.Status, rep.Gemini.Findings = "gemini", "ok", len(res.Findings)
	g.progress("gemini", "%d findings, %d+%d tokens, %s, %d attempt(s)", len(res.Findings), res.InputTokens, res.OutputTokens,
		res.Elapsed.Round(time.Millisecond), res.Attempts)
	return res.Findings
}
