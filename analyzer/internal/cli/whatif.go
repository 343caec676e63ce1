package cli

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/whatif"
)

func newWhatIfCmd(g *globals) *cobra.Command {
	var model string
	var cache, batch bool
	cmd := &cobra.Command{
		Use:   "what-if <trace-id> (--model M | --cache | --batch)",
		Short: "Re-price a whole run under another model, with prompt caching, or as batch requests",
		Example: `  kaizen what-if 4bf92f3577b34da6a3ce929d0e0e4736 --model gpt-4o-mini
  kaizen what-if 4bf92f3577b34da6a3ce929d0e0e4736 --cache`,
		Args: exactArgs(1, "one trace id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc := whatif.Scenario{Model: model, Cache: cache, Batch: batch}
			switch err := sc.Validate(g.table); {
			case errors.Is(err, whatif.ErrOneChange):
				return usagef("give exactly one of --model, --cache or --batch")
			case err != nil:
				return usagef("--%s (add models with --prices)", strings.TrimPrefix(err.Error(), whatif.ErrScenario.Error()+": "))
			}
			if _, err := traceArg(args); err != nil {
				return err
			}
			s, r, _, err := g.fetch(cmd.Context(), args)
			if err != nil {
				return err
			}
			defer s.Close()
			res, err := sc.Apply(r, g.table)
			if err != nil {
				return usageError{err}
			}
			g.progress("price", "%s: %d of %d calls re-priced", res.Scenario, len(res.Lines)-res.Unchanged, len(res.Lines))
			return report.WriteWhatIf(g.cfg.Stdout, g.fmtOut, r.TraceID, res)
		},
	}
	cmd.Flags().StringVar(&model, "model", "", "re-price every chat call under this model (any model of the price table)")
	cmd.Flags().BoolVar(&cache, "cache", false, "price repeated stable prompt prefixes as cache reads")
	cmd.Flags().BoolVar(&batch, "batch", false, "price every call with the provider's batch discount")
	return cmd
}
