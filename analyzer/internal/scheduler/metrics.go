package scheduler

import "github.com/prometheus/client_golang/prometheus"

// metrics are what /metrics exposes about continuous analysis.
type metrics struct {
	analyses       *prometheus.CounterVec
	backlog        prometheus.Gauge
	duration       prometheus.Histogram
	geminiSpend    prometheus.Counter
	geminiLeft     prometheus.Gauge
	storeErrors    prometheus.Counter
	lastBacklogRun prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		analyses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kaizen_analyses_total",
			Help: "Analyses finished by this server, by mode (offline, gemini), outcome (analyzed, failed) and trigger (backlog, api)."},
			[]string{"mode", "outcome", "trigger"}),
		backlog: prometheus.NewGauge(prometheus.GaugeOpts{Name: "kaizen_analysis_backlog_runs",
			Help: "Runs due for analysis at the last backlog read (capped at one batch)."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "kaizen_analysis_duration_seconds",
			Help: "Time from loading a run to its stored analysis.", Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10)}),
		geminiSpend: prometheus.NewCounter(prometheus.CounterOpts{Name: "kaizen_gemini_spend_usd_total",
			Help: "USD this server's analyses spent on Gemini, priced from the usage Gemini reported."}),
		geminiLeft: prometheus.NewGauge(prometheus.GaugeOpts{Name: "kaizen_gemini_budget_remaining_usd",
			Help: "What remains of today's Gemini budget (UTC day, every server's spend), at the last check."}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "kaizen_store_errors_total",
			Help: "Backlog reads that failed; the scheduler backs off after each."}),
		lastBacklogRun: prometheus.NewGauge(prometheus.GaugeOpts{Name: "kaizen_backlog_read_timestamp_seconds",
			Help: "Unix time of the last successful backlog read."}),
	}
	reg.MustRegister(m.analyses, m.backlog, m.duration, m.geminiSpend, m.geminiLeft, m.storeErrors, m.lastBacklogRun)
	return m
}
