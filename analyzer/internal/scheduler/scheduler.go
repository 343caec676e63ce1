package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Mode is how one analysis runs.
type Mode string

// Modes.
const (
	Offline Mode = "offline"
	Gemini  Mode = "gemini"
)

// ErrBusy is returned by Submit while the run is already being analyzed here.
var ErrBusy = errors.New("the run is being analyzed")

// maxBackoff caps the wait after repeated store errors.
const maxBackoff = 2 * time.Minute

// Scheduler analyzes every settled run of its shard.
type Scheduler struct {
	cfg     Config
	store   *store.Store
	an      *analysis.Analyzer
	log     *slog.Logger
	m       *metrics
	now     func() time.Time
	slots   chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	running map[string]bool
	// work is cancelled after the grace period at shutdown.
	work       context.Context
	stopWork   context.CancelFunc
	geminiMu   sync.Mutex
	reserved   pricing.USD
	largest    pricing.USD
	geminiBusy int
}

// New returns a scheduler over s; reg receives its metrics.
func New(s *store.Store, an *analysis.Analyzer, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*Scheduler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	work, stop := context.WithCancel(context.Background())
	return &Scheduler{cfg: cfg, store: s, an: an, log: log, m: newMetrics(reg), now: time.Now,
		slots: make(chan struct{}, cfg.Concurrency), running: map[string]bool{}, work: work, stopWork: stop}, nil
}

// Run reads the backlog and analyzes it until ctx ends, backing off on
// store errors, then waits up to the grace period for running analyses.
func (s *Scheduler) Run(ctx context.Context) error {
	backoff := time.Duration(0)
	for {
		n, err := s.Pass(ctx)
		wait := s.cfg.Interval
		switch {
		case ctx.Err() != nil:
			return s.Shutdown()
		case err != nil:
			s.m.storeErrors.Inc()
			backoff = min(max(2*backoff, time.Second), maxBackoff)
			wait = backoff
			s.log.Warn("backlog read failed, backing off", "error", err, "retry_in", wait.String())
		default:
			backoff = 0
			if n > 0 {
				wait = 0 // more may be due: read again as soon as a slot frees
			}
		}
		select {
		case <-ctx.Done():
			return s.Shutdown()
		case <-time.After(wait):
		}
	}
}

// Shutdown waits for running analyses up to the grace period, then
// interrupts them; interrupted analyses are recorded failed and retried.
func (s *Scheduler) Shutdown() error {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(s.cfg.Grace):
		s.stopWork()
		<-done
		return fmt.Errorf("shutdown: analyses still running after %s were interrupted and will be retried", s.cfg.Grace)
	}
}

// Wait blocks until every started analysis has finished.
func (s *Scheduler) Wait() { s.wg.Wait() }

// Pass reads the backlog once and starts an analysis for each due run it
// has a free slot for, blocking while all slots are busy. It returns how
// many it started.
func (s *Scheduler) Pass(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.store.Backlog(ctx, store.Backlog{
		Since: now.Add(-s.cfg.Lookback), SettledBefore: now.Add(-s.cfg.Settle), Version: analysis.Version,
		StaleBefore: now.Add(-s.cfg.StaleAfter), RetryBefore: now.Add(-s.cfg.RetryAfter), MaxAttempts: s.cfg.MaxAttempts,
		Shard: s.cfg.Shard, Shards: s.cfg.Shards, Limit: 4 * s.cfg.Concurrency,
	})
	if err != nil {
		return 0, err
	}
	s.m.backlog.Set(float64(len(due)))
	s.m.lastBacklogRun.Set(float64(now.Unix()))
	started := 0
	for _, d := range due {
		if !s.claim(d.TraceID) {
			continue
		}
		select {
		case s.slots <- struct{}{}:
		case <-ctx.Done():
			s.release(d.TraceID)
			return started, nil
		}
		mode, held := s.chooseMode(ctx)
		job, err := s.an.Prepare(s.work, d.TraceID, s.options(mode))
		if err != nil {
			<-s.slots
			s.release(d.TraceID)
			s.finishGemini(mode, held, 0)
			s.log.Warn("run not analyzed", "trace_id", d.TraceID, "error", err)
			continue
		}
		s.log.Info("analyzing", "trace_id", d.TraceID, "reason", d.Reason, "mode", string(mode), "analysis_id", job.ID(), "cost_usd", d.Cost.String())
		s.start(job, mode, held, "backlog")
		started++
	}
	return started, nil
}

// Submit starts an on-demand analysis of one run and returns its id at
// once; Gemini mode ignores the budget but its spend counts against it.
func (s *Scheduler) Submit(ctx context.Context, traceID string, mode Mode) (string, error) {
	if !s.claim(traceID) {
		return "", ErrBusy
	}
	job, err := s.an.Prepare(ctx, traceID, s.options(mode))
	if err != nil {
		s.release(traceID)
		return "", err
	}
	var held pricing.USD
	if mode == Gemini {
		s.geminiMu.Lock()
		s.geminiBusy++
		held = s.largest
		s.reserved += held
		s.geminiMu.Unlock()
	}
	s.start(job, mode, held, "api")
	return job.ID(), nil
}

func (s *Scheduler) options(mode Mode) analysis.Options {
	return analysis.Options{Offline: mode != Gemini, Model: s.cfg.Model, Timeout: s.cfg.GeminiTimeout}
}

func (s *Scheduler) claim(traceID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running[traceID] {
		return false
	}
	s.running[traceID] = true
	return true
}

func (s *Scheduler) release(traceID string) {
	s.mu.Lock()
	delete(s.running, traceID)
	s.mu.Unlock()
}

// start runs job in the background in a slot: the backlog's trigger has
// taken one already, an API request waits for one here.
func (s *Scheduler) start(job *analysis.Job, mode Mode, held pricing.USD, trigger string) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if trigger == "api" {
			select {
			case s.slots <- struct{}{}:
			case <-s.work.Done():
				s.finishGemini(mode, held, 0)
				s.release(job.Trace.TraceID)
				_ = job.Fail(s.work, fmt.Errorf("analysis interrupted before it started: %w", s.work.Err()))
				return
			}
		}
		defer func() { <-s.slots }()
		defer s.release(job.Trace.TraceID)
		began := time.Now()
		rep, err := job.Run(s.work)
		s.m.duration.Observe(time.Since(began).Seconds())
		var spent pricing.USD
		if rep != nil {
			spent = rep.Gemini.Cost
		}
		s.finishGemini(mode, held, spent)
		if err != nil {
			s.m.analyses.WithLabelValues(string(mode), "failed", trigger).Inc()
			s.log.Error("analysis failed", "trace_id", job.Trace.TraceID, "analysis_id", job.ID(), "error", err)
			return
		}
		s.m.analyses.WithLabelValues(rep.Mode, "analyzed", trigger).Inc()
		s.log.Info("analyzed", "trace_id", job.Trace.TraceID, "analysis_id", job.ID(), "mode", rep.Mode,
			"findings", len(rep.Findings), "savings_usd", rep.Summary.Savings.String(), "gemini_usd", spent.String(),
			"seconds", time.Since(began).Seconds())
	}()
}

// chooseMode decides whether the next backlog run goes to Gemini: only
// while today's spend, plus what running Gemini analyses hold, plus the
// largest analysis seen so far, fits the budget (one at a time until a
// first cost is known). It returns the amount held for the analysis.
func (s *Scheduler) chooseMode(ctx context.Context) (Mode, pricing.USD) {
	if !s.cfg.Gemini {
		return Offline, 0
	}
	s.geminiMu.Lock()
	defer s.geminiMu.Unlock()
	if s.largest == 0 && s.geminiBusy > 0 {
		return Offline, 0
	}
	spend, err := s.store.AnalysisSpend(ctx, startOfDay(s.now()))
	if err != nil {
		s.log.Warn("Gemini spend unknown, analyzing offline", "error", err)
		return Offline, 0
	}
	// Today's dearest analysis, from any server, bounds the next one too.
	s.largest = max(s.largest, spend.Largest)
	left := s.cfg.GeminiBudget - spend.Total - s.reserved
	s.m.geminiLeft.Set(max(s.cfg.GeminiBudget-spend.Total, 0).Float64())
	if left <= 0 || s.largest > left {
		return Offline, 0
	}
	s.geminiBusy++
	s.reserved += s.largest
	return Gemini, s.largest
}

// finishGemini returns a Gemini analysis' hold once its cost is known.
func (s *Scheduler) finishGemini(mode Mode, held, spent pricing.USD) {
	if mode != Gemini {
		return
	}
	s.geminiMu.Lock()
	defer s.geminiMu.Unlock()
	s.geminiBusy--
	s.reserved -= held
	s.largest = max(s.largest, spent)
	s.m.geminiSpend.Add(spent.Float64())
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
