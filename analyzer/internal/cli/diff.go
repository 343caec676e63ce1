package cli

import (
	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
)

func newDiffCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "diff <trace-a> <trace-b>",
		Short: "Compare two runs: cost per agent and model, findings gone, saving realized against the prediction",
		Long: `diff compares run A (typically before the analyzer's fixes) with run B (after): calls, tokens
and cost per agent and per model side by side, which findings of A are gone in B, and the saving
realized from A to B against the saving the analysis of A predicted. Each run's findings are those
of its newest completed analysis, or of an offline analysis made for the diff (not stored).`,
		Example: `  kaizen diff 4bf92f3577b34da6a3ce929d0e0e4736 0af7651916cd43dd8448eb211c80319c`,
		Args:    exactArgs(2, "two trace ids"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ids [2]string
			for i, a := range args {
				id, err := store.NormalizeTraceID(a)
				if err != nil {
					return usageError{err}
				}
				ids[i] = id
			}
			if ids[0] == ids[1] {
				return usagef("trace A and trace B are the same run")
			}
			s, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			res, err := g.analyzer(s).Diff(cmd.Context(), ids[0], ids[1])
			if err != nil {
				return err
			}
			g.progress("diff", "%d of %d findings of A gone in B; realized %s of a predicted %s", res.Gone(), len(res.FindingsA),
				res.Realized(), res.Predicted.Savings)
			return report.WriteDiff(g.cfg.Stdout, g.fmtOut, res)
		},
	}
}
