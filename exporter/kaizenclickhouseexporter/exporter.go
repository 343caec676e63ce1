package kaizenclickhouseexporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
)

// startTimeout bounds connecting, pinging and migrating at start.
const startTimeout = 2 * time.Minute

// maxLoggedRejects bounds the rejected spans named in one log line.
const maxLoggedRejects = 5

// chExporter writes spans to otel_traces and inference calls to llm_calls.
type chExporter struct {
	cfg     *Config
	id      component.ID
	logger  *zap.Logger
	tel     *telemetry
	conn    driver.Conn
	traces  *tableWriter
	calls   *tableWriter
	replays *replayFilter
}

func newExporter(cfg *Config, set exporter.Settings) (*chExporter, error) {
	tel, err := newTelemetry(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &chExporter{cfg: cfg, id: set.ID, logger: set.Logger, tel: tel}, nil
}

// start connects, checks the server and credentials with a ping, applies
// the schema migrations when create_schema is on, and reads the tables'
// columns. Every failure names the endpoint (never the password).
func (e *chExporter) start(ctx context.Context, _ component.Host) error {
	started := time.Now()
	shown := redactDSN(e.cfg.Endpoint)
	opt, err := e.cfg.clickhouseOptions()
	if err != nil {
		return err
	}
	if e.cfg.PasswordFile != "" {
		// Read at start: the chdb extension, which starts first, creates it.
		if opt.Auth.Password, err = credentials.Read(e.cfg.PasswordFile); err != nil {
			return fmt.Errorf("kaizenclickhouse exporter password_file: %w", err)
		}
	}
	// Statements use qualified names, so the connection needs no database
	// (the configured one may not exist before the migrations create it).
	opt.Auth.Database = ""
	if opt.MaxOpenConns <= 0 {
		if q := e.cfg.QueueConfig.Get(); q != nil && q.NumConsumers > 0 {
			opt.MaxOpenConns = 2 * q.NumConsumers
		}
	}
	if opt.TLS == nil && (e.cfg.TLS.CAFile != "" || e.cfg.TLS.CertFile != "" || e.cfg.TLS.ServerName != "" || e.cfg.TLS.InsecureSkipVerify) {
		return fmt.Errorf("tls is configured but endpoint %q does not use TLS: use https:// or add secure=true to the DSN", shown)
	}
	if opt.TLS != nil {
		tlsCfg, err := e.cfg.TLS.LoadTLSConfig(ctx)
		if err != nil {
			return fmt.Errorf("load tls config for %s: %w", shown, err)
		}
		if tlsCfg != nil {
			if opt.TLS.InsecureSkipVerify {
				tlsCfg.InsecureSkipVerify = true
			}
			opt.TLS = tlsCfg
		}
	}
	user := opt.Auth.Username
	if user == "" {
		user = "default"
	}
	fail := func(what string, err error) error {
		return fmt.Errorf("kaizenclickhouse: %s ClickHouse at %s as user %q: %s", what, shown, user,
			scrub(err.Error(), e.cfg.Endpoint, string(e.cfg.Password)))
	}
	conn, err := clickhouse.Open(opt)
	if err != nil {
		return fail("open", err)
	}
	e.conn = conn
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := conn.Ping(ctx); err != nil {
		return fail("cannot reach or log in to", err)
	}
	so := e.cfg.schemaOptions()
	if e.cfg.CreateSchema {
		res, err := schema.Migrate(ctx, conn, so)
		if err != nil {
			return fail("migrate schema of "+so.Database+" on", err)
		}
		if len(res.Applied) > 0 {
			e.logger.Info("applied ClickHouse schema migrations", zap.String("database", so.Database),
				zap.Int("from", res.From), zap.Int("to", res.To))
		}
	}
	settings := insertSettings(e.cfg.AsyncInsert)
	if e.traces, err = newTableWriter(ctx, conn, so.Database, schema.TableTraces, traceColumns, settings); err != nil {
		return fail("prepare inserts on", err)
	}
	if e.calls, err = newTableWriter(ctx, conn, so.Database, schema.TableLLMCalls, schema.LLMCallColumns, settings); err != nil {
		return fail("prepare inserts on", err)
	}
	e.replays = newReplayFilter(conn, so.Database, started)
	return nil
}

func (e *chExporter) shutdown(context.Context) error {
	if e.conn == nil {
		return nil
	}
	if err := e.conn.Close(); err != nil {
		return fmt.Errorf("close ClickHouse connection: %w", err)
	}
	return nil
}

// pushTraces writes one batch: one insert into otel_traces and one into
// llm_calls. Both carry a deduplication token derived from their rows, so
// when a push is retried after a partial or unacknowledged success,
// ClickHouse drops the repeat instead of storing rows twice. Rows of spans
// that ended before the exporter started may be replays of an earlier
// run's pushes in other batches: those already stored are dropped first.
func (e *chExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	r := buildRows(td, e.cfg.maxValueBytes(), e.cfg.TracesContent == TracesContentReference)
	e.tel.recordBuild(ctx, r)
	e.logBuild(r)
	batches := r.batches()
	release, dropped, err := e.replays.filter(ctx, batches)
	if err != nil {
		return fmt.Errorf("replay check: %w", err)
	}
	defer release()
	e.logDropped(ctx, batches, dropped)
	traces, calls := batches[0], batches[1]
	// The two inserts go out concurrently: the server (and the embedded
	// engine) runs them in parallel, so a push costs the slower insert, not
	// the sum. Each is independent and idempotent (its own token).
	var callsErr error
	var wg sync.WaitGroup
	if calls.n > 0 {
		wg.Go(func() { callsErr = e.write(ctx, e.calls, calls) })
	}
	var tracesErr error
	if traces.n > 0 {
		tracesErr = e.write(ctx, e.traces, traces)
	}
	wg.Wait()
	return errors.Join(tracesErr, callsErr)
}

// logDropped counts and logs, once per push, the rows the replay filter
// found already stored.
func (e *chExporter) logDropped(ctx context.Context, batches []tableBatch, dropped []int) {
	fields := make([]zap.Field, 0, len(batches))
	for t, n := range dropped {
		if n > 0 {
			e.tel.recordDeduplicated(ctx, batches[t].table, n)
			fields = append(fields, zap.Int(batches[t].table, n))
		}
	}
	if len(fields) > 0 {
		e.logger.Info("rows already stored dropped from a batch (replayed spans)", fields...)
	}
}

func (e *chExporter) write(ctx context.Context, w *tableWriter, b tableBatch) error {
	start := time.Now()
	kind, err := w.write(ctx, b.cols, b.token)
	e.tel.recordInsert(ctx, w.table, b.n, start, kind)
	if err != nil {
		return fmt.Errorf("%d rows: %w", b.n, err)
	}
	return nil
}

// logBuild logs rejected spans (one line per batch) and repairs.
func (e *chExporter) logBuild(r *rows) {
	if len(r.rejected) > 0 {
		fields := []zap.Field{zap.Int("rejected", len(r.rejected))}
		for i, rej := range r.rejected[:min(len(r.rejected), maxLoggedRejects)] {
			fields = append(fields, zap.String(fmt.Sprintf("span_%d", i),
				fmt.Sprintf("%s: service=%q name=%q trace_id=%q span_id=%q", rej.reason, rej.service, rej.name, rej.traceID, rej.spanID)))
		}
		e.logger.Warn("spans rejected: a span needs a trace id and a span id to be stored", fields...)
	}
	if len(r.repaired) > 0 {
		fields := make([]zap.Field, 0, len(r.repaired))
		for reason, n := range r.repaired {
			fields = append(fields, zap.Int(reason, n))
		}
		e.logger.Info("values repaired before storing (invalid UTF-8 replaced, oversize truncated, unknown kinds or GenAI values defaulted)", fields...)
	}
}
