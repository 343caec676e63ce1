package analysis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/detect"
	"github.com/kaizenhq/kaizen/analyzer/internal/diff"
	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/verify"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Version identifies the detectors and verification rules; kaizen serve
// analyzes again every run whose latest analysis has another version, so
// bump it whenever they change what they find.
const Version = "2026.12.1"

// Progress receives one line per stage (fetch, detect, gemini, verify, store).
type Progress func(stage, format string, args ...any)

// Options say how one run is analyzed.
type Options struct {
	// Offline skips Gemini; without Gemini credentials it is skipped anyway.
	Offline bool
	// Model and Timeout configure the Gemini call.
	Model   string
	Timeout time.Duration
	// NoStore writes no analyses or findings rows.
	NoStore bool
}

// Analyzer runs analyses against one store with one price table.
type Analyzer struct {
	store    *store.Store
	prices   *pricing.Table
	progress Progress
	gemini   []gemini.Option
}

// New returns an Analyzer; progress may be nil, geminiOpts are appended to
// the Gemini client's own (tests shorten retries with them).
func New(s *store.Store, prices *pricing.Table, progress Progress, geminiOpts ...gemini.Option) *Analyzer {
	if progress == nil {
		progress = func(string, string, ...any) {}
	}
	return &Analyzer{store: s, prices: prices, progress: progress, gemini: geminiOpts}
}

// Prices is the table findings are priced with.
func (x *Analyzer) Prices() *pricing.Table { return x.prices }

// Job is one analysis of one loaded run; its row is already pending.
type Job struct {
	x     *Analyzer
	Trace *run.Run
	Row   *store.Analysis
	opts  Options
}

// Prepare loads the run and writes the pending analyses row, so the caller
// holds the analysis id before the work starts.
func (x *Analyzer) Prepare(ctx context.Context, traceID string, o Options) (*Job, error) {
	r, err := x.store.LoadRun(ctx, traceID)
	if err != nil {
		return nil, err
	}
	r.Build()
	x.progress("fetch", "trace %s: %d calls, %d spans from %s", r.TraceID, len(r.Calls), len(r.Spans), x.store.Endpoint())
	a := store.NewAnalysis(r.TraceID, r.Workflow, time.Now())
	a.Calls, a.Model, a.AnalyzerVersion = len(r.Calls), o.Model, Version
	a.RunSpans, a.RunEnd = len(r.Spans), r.End
	j := &Job{x: x, Trace: r, Row: a, opts: o}
	if err := j.save(ctx, store.StatusPending); err != nil {
		return nil, err
	}
	return j, nil
}

// ID is the analysis id ("" when nothing is stored).
func (j *Job) ID() string {
	if j.opts.NoStore {
		return ""
	}
	return j.Row.ID.String()
}

func (j *Job) save(ctx context.Context, st store.Status) error {
	if j.opts.NoStore {
		return nil
	}
	return j.x.store.SaveAnalysis(ctx, j.Row, st)
}

// Fail records err as the analysis outcome. A cancelled ctx is replaced so
// that the failure row is still written.
func (j *Job) Fail(ctx context.Context, err error) error {
	j.Row.Error = err.Error()
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
	}
	if serr := j.save(ctx, store.StatusFailed); serr != nil {
		return fmt.Errorf("%w (and recording the failure failed: %v)", err, serr)
	}
	return err
}

// Run analyzes the run: analyzing → analyzed, or failed with the error.
func (j *Job) Run(ctx context.Context) (*report.Analysis, error) {
	if err := j.save(ctx, store.StatusAnalyzing); err != nil {
		return nil, j.Fail(ctx, err)
	}
	x, r := j.x, j.Trace
	hints := detect.Run(r, x.prices)
	x.progress("detect", "%d candidate findings", len(hints))
	rep := &report.Analysis{TraceID: r.TraceID, Workflow: r.Workflow, Calls: len(r.Calls), PriceVersion: x.prices.Version(), Gaps: r.PriceGaps(),
		Mode: "offline", AnalysisID: j.ID()}
	all := append([]run.Finding(nil), hints...)
	all = append(all, j.askGemini(ctx, hints, rep)...)
	if err := ctx.Err(); err != nil {
		return nil, j.Fail(ctx, fmt.Errorf("analysis interrupted: %w", err))
	}

	verified, stats := verify.Verify(r, all, x.prices)
	rep.Findings, rep.Stats, rep.Summary = verified, stats, verify.Summarize(r, verified)
	x.progress("verify", "%s", stats)

	a := j.Row
	a.Mode, a.Model = rep.Mode, rep.Gemini.Model
	a.OriginalCost, a.OptimizedCost, a.Savings = rep.Summary.Original, rep.Summary.Optimized, rep.Summary.Savings
	a.Findings = len(verified)
	a.AnalysisInputTokens, a.AnalysisOutputTokens, a.AnalysisCost = rep.Gemini.InputTokens, rep.Gemini.OutputTokens, rep.Gemini.Cost
	if rep.Gemini.Status == "failed" {
		a.Error = "gemini: " + rep.Gemini.Reason
	}
	if !j.opts.NoStore {
		if err := x.store.SaveFindings(ctx, a, verified); err != nil {
			return nil, j.Fail(ctx, err)
		}
		if err := j.save(ctx, store.StatusAnalyzed); err != nil {
			return nil, err
		}
		x.progress("store", "analysis %s: %d findings written", a.ID, len(verified))
	}
	return rep, nil
}

// askGemini runs the Gemini stage and records its outcome in rep. It never
// fails the analysis: on any error the report says why Gemini is missing.
func (j *Job) askGemini(ctx context.Context, hints []run.Finding, rep *report.Analysis) []run.Finding {
	x, o := j.x, j.opts
	rep.Gemini.Model = o.Model
	backend, ok := gemini.Credentials()
	switch {
	case o.Offline:
		rep.Gemini.Status, rep.Gemini.Reason = "skipped", "--offline"
	case !ok:
		rep.Gemini.Status, rep.Gemini.Reason = "skipped", "no credentials (set GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION)"
	}
	if rep.Gemini.Status == "skipped" {
		rep.Gemini.Model = ""
		x.progress("gemini", "skipped: %s", rep.Gemini.Reason)
		return nil
	}
	opts := append([]gemini.Option{gemini.WithModel(o.Model), gemini.WithTimeout(o.Timeout), gemini.WithPrices(x.prices),
		gemini.WithRetryObserver(func(attempt, status int, wait time.Duration) {
			x.progress("gemini", "attempt %d answered HTTP %d, retrying in %s", attempt, status, report.Duration(wait))
		})}, x.gemini...)
	c, err := gemini.New(ctx, opts...)
	if err != nil {
		rep.Gemini.Status, rep.Gemini.Reason = "failed", err.Error()
		x.progress("gemini", "failed: %v", err)
		return nil
	}
	x.progress("gemini", "asking %s via %s", o.Model, backend)
	res, err := c.Analyze(ctx, j.Trace, hints)
	if res != nil {
		rep.Gemini.Model, rep.Gemini.InputTokens, rep.Gemini.OutputTokens, rep.Gemini.Cost = res.Model, res.InputTokens, res.OutputTokens, res.Cost
	}
	if err != nil {
		rep.Gemini.Status, rep.Gemini.Reason = "failed", err.Error()
		x.progress("gemini", "failed, continuing offline: %v", err)
		return nil
	}
	rep.Mode, rep.Gemini.Status, rep.Gemini.Findings = "gemini", "ok", len(res.Findings)
	x.progress("gemini", "%d findings, %d+%d tokens, %s, %d attempt(s)", len(res.Findings), res.InputTokens, res.OutputTokens,
		report.Duration(res.Elapsed), res.Attempts)
	return res.Findings
}

// Analyze prepares and runs one analysis.
func (x *Analyzer) Analyze(ctx context.Context, traceID string, o Options) (*report.Analysis, error) {
	j, err := x.Prepare(ctx, traceID, o)
	if err != nil {
		return nil, err
	}
	return j.Run(ctx)
}

// IsNotFound reports whether err says the trace is not stored.
func IsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// Diff compares run a with run b. Each side's findings are those of its
// newest completed analysis when it has one (Gemini's included), else of
// an offline analysis made now and not stored; A's saving so found is the
// prediction the realized saving is measured against.
func (x *Analyzer) Diff(ctx context.Context, a, b string) (*diff.Result, error) {
	var sides [2]diff.Side
	var pred diff.Prediction
	for i, id := range []string{a, b} {
		j, err := x.Prepare(ctx, id, Options{Offline: true, NoStore: true})
		if err != nil {
			return nil, err
		}
		sides[i].Run = j.Trace
		stored, err := x.store.LatestCompleted(ctx, j.Trace.TraceID)
		switch {
		case err == nil:
			sides[i].Findings = stored.Findings
			if i == 0 {
				pred = diff.Prediction{Savings: stored.Savings, Source: fmt.Sprintf("analysis %s (%s, %s)", stored.ID,
					stored.Mode, stored.CreatedAt.UTC().Format(time.RFC3339))}
			}
		case IsNotFound(err):
			rep, err := j.Run(ctx)
			if err != nil {
				return nil, err
			}
			sides[i].Findings = rep.Findings
			if i == 0 {
				pred = diff.Prediction{Savings: rep.Summary.Savings, Source: "offline analysis made for this diff"}
			}
		default:
			return nil, err
		}
	}
	return diff.Compare(sides[0], sides[1], pred), nil
}
