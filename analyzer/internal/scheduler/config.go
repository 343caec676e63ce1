package scheduler

import (
	"errors"
	"fmt"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/gemini"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Config is the scheduler's configuration; the zero value of a field means
// its default.
type Config struct {
	// Settle is how long a run's last span must have ended before the run
	// counts as finished.
	Settle time.Duration
	// Lookback bounds the backlog scan to runs started this recently.
	Lookback time.Duration
	// Interval is the pause between backlog reads when nothing is due.
	Interval time.Duration
	// Concurrency bounds the analyses running at once.
	Concurrency int
	// StaleAfter: an analysis pending or analyzing for longer belongs to a
	// server that died, and its run is analyzed again.
	StaleAfter time.Duration
	// RetryAfter and MaxAttempts govern failed analyses.
	RetryAfter  time.Duration
	MaxAttempts int
	// Shard of Shards partitions runs between servers by trace id.
	Shard, Shards int
	// Gemini sends runs to Gemini too, the most expensive first, while the
	// analyses created since midnight UTC spent less than GeminiBudget.
	Gemini       bool
	GeminiBudget pricing.USD
	// Model and GeminiTimeout configure the Gemini call.
	Model         string
	GeminiTimeout time.Duration
	// Grace is how long shutdown waits for running analyses before it
	// interrupts them (they are then recorded failed and retried).
	Grace time.Duration
}

// Defaults.
const (
	DefaultSettle      = 30 * time.Second
	DefaultLookback    = 24 * time.Hour
	DefaultInterval    = 10 * time.Second
	DefaultConcurrency = 2
	DefaultStaleAfter  = 10 * time.Minute
	DefaultRetryAfter  = 5 * time.Minute
	DefaultMaxAttempts = 3
	DefaultGrace       = 20 * time.Second
	// DefaultGeminiBudget is the daily Gemini budget in USD.
	DefaultGeminiBudget = pricing.Dollar
)

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.Settle, DefaultSettle)
	def(&c.Lookback, DefaultLookback)
	def(&c.Interval, DefaultInterval)
	def(&c.StaleAfter, DefaultStaleAfter)
	def(&c.RetryAfter, DefaultRetryAfter)
	def(&c.Grace, DefaultGrace)
	def(&c.GeminiTimeout, gemini.DefaultTimeout)
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Shards == 0 {
		c.Shards = 1
	}
	if c.Model == "" {
		c.Model = gemini.DefaultModel
	}
	if c.GeminiBudget == 0 {
		c.GeminiBudget = DefaultGeminiBudget
	}
	return c
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"settle", c.Settle}, {"lookback", c.Lookback}, {"interval", c.Interval}, {"stale-after", c.StaleAfter},
		{"retry-after", c.RetryAfter}, {"grace", c.Grace}, {"gemini-timeout", c.GeminiTimeout}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %s: must not be negative", d.name, d.v))
		}
	}
	if c.Lookback <= c.Settle {
		errs = append(errs, fmt.Errorf("lookback %s must exceed settle %s", c.Lookback, c.Settle))
	}
	if c.Concurrency < 1 || c.Concurrency > 64 {
		errs = append(errs, fmt.Errorf("concurrency %d: must be between 1 and 64", c.Concurrency))
	}
	if c.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("max attempts %d: must be at least 1", c.MaxAttempts))
	}
	if c.Shards < 1 || c.Shard < 0 || c.Shard >= c.Shards {
		errs = append(errs, fmt.Errorf("shard %d/%d: want i/N with 0 <= i < N", c.Shard, c.Shards))
	}
	if c.GeminiBudget < 0 {
		errs = append(errs, fmt.Errorf("gemini budget %s: must not be negative", c.GeminiBudget))
	}
	return errors.Join(errs...)
}
