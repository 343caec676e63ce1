package cli

import (
	"context"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
)

// fetch validates the trace id, connects and loads the run, reporting the
// fetch stage. The returned store is open; the caller closes it.
func (g *globals) fetch(ctx context.Context, args []string) (*store.Store, *run.Run, []*run.Span, error) {
	id, err := traceArg(args)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := g.open(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := s.LoadRun(ctx, id)
	if err != nil {
		_ = s.Close()
		return nil, nil, nil, err
	}
	roots := r.Build()
	g.progress("fetch", "trace %s: %d calls, %d spans from %s", id, len(r.Calls), len(r.Spans), s.Endpoint())
	return s, r, roots, nil
}
