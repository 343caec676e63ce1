package cli

import (
	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
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
			n := 0
			for _, set := range []bool{model != "", cache, batch} {
				if set {
					n++
				}
			}
			if n != 1 {
				return usagef("give exactly one of --model, --cache or --batch")
			}
			if _, err := traceArg(args); err != nil {
				return err
			}
			if model != "" {
				if _, ok := g.table.Resolve("", model); !ok {
					return usagef("--model %q is not in the price table %s (add it with --prices)", model, g.table.Version())
				}
			}
			s, r, _, err := g.fetch(cmd.Context(), args)
			if err != nil {
				return err
			}
			defer s.Close()
			var res *whatif.Result
			switch {
			case model != "":
				if res, err = whatif.Model(r, g.table, model); err != nil {
					return usageError{err}
				}
			case cache:
				res = whatif.Cache(r, g.table, detect.Run(r, g.table, detect.WithOnly(run.CacheMiss)))
			default:
				res = whatif.Batch(r, g.table)
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
