package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/timearg"
)

func newTracesCmd(g *globals) *cobra.Command {
	var since, workflow string
	var limit int
	cmd := &cobra.Command{
		Use:   "traces",
		Short: "List recent runs with their cost and last analysis",
		Example: `  kaizen traces --since 24h
  kaizen traces --workflow checkout --limit 5 --format json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, err := parseSince(since, time.Now())
			if err != nil {
				return usageError{err}
			}
			if limit < 1 || limit > 10000 {
				return usagef("--limit %d: must be between 1 and 10000", limit)
			}
			s, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			runs, err := s.ListRuns(cmd.Context(), store.Filter{Since: from, Workflow: workflow, Limit: limit})
			if err != nil {
				return err
			}
			g.progress("fetch", "%d runs since %s from %s", len(runs), from.UTC().Format(time.RFC3339), s.Endpoint())
			return report.WriteRuns(g.cfg.Stdout, g.fmtOut, runs)
		},
	}
	cmd.Flags().StringVar(&since, "since", "7d", "only runs started since: a duration (90m, 24h, 7d) or an RFC 3339 time")
	cmd.Flags().StringVar(&workflow, "workflow", "", "only runs of this workflow")
	cmd.Flags().IntVar(&limit, "limit", 20, "maximum number of runs (newest first)")
	return cmd
}

// parseSince accepts a Go duration, a number of days ("7d") or an RFC 3339
// time.
func parseSince(s string, now time.Time) (time.Time, error) {
	t, err := timearg.Parse(s, now)
	if err != nil {
		return time.Time{}, fmt.Errorf("--since %w", err)
	}
	return t, nil
}
