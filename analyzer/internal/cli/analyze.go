package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
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
	id, err := traceArg(args)
	if err != nil {
		return err
	}
	s, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := g.analyzer(s).Analyze(ctx, id, analysis.Options{Offline: fl.offline, Model: fl.model, Timeout: fl.timeout, NoStore: fl.noStore})
	if err != nil {
		return err
	}
	rep.Gate = gate
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

// analyzer is the analysis pipeline over s, reporting progress on stderr.
func (g *globals) analyzer(s *store.Store) *analysis.Analyzer {
	return analysis.New(s, g.table, g.progress, g.cfg.GeminiOptions...)
}
