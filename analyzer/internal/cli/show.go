package cli

import (
	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/report"
)

func newShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "show <trace-id>",
		Short:   "Show a run as a tree of workflow, agents, calls and tools",
		Example: "  kaizen show 4bf92f3577b34da6a3ce929d0e0e4736",
		Args:    exactArgs(1, "one trace id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, r, roots, err := g.fetch(cmd.Context(), args)
			if err != nil {
				return err
			}
			defer s.Close()
			return report.WriteShow(g.cfg.Stdout, g.fmtOut, r, roots)
		},
	}
}
