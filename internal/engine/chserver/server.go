package chserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/net/netutil"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// Server is a running ClickHouse HTTP interface over a store it owns.
type Server struct {
	conn     *chdb.Conn
	http     *http.Server
	listener net.Listener
	logger   *zap.Logger
	served   chan error

	shutdownOnce sync.Once
	shutdownErr  error
}

// Start validates cfg, opens the store at cfg.Path and serves the ClickHouse
// HTTP interface on cfg.Endpoint until Shutdown. libchdb allows one open
// store per process, so a second Start fails until the first is shut down.
func Start(cfg Config, logger *zap.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("chserver config: %w", err)
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	cfg = cfg.withDefaults()
	// The engine-wide max_execution_time bounds every statement, DDL and
	// INSERT … SELECT included, which a SETTINGS clause cannot reach.
	opts := []chdb.Option{chdb.WithSetting("max_execution_time", formatSeconds(cfg.QueryTimeout))}
	if cfg.MaxConcurrency > 0 {
		opts = append(opts, chdb.WithMaxConcurrency(cfg.MaxConcurrency))
	}
	conn, err := chdb.Open(cfg.Path, opts...)
	if err != nil {
		return nil, fmt.Errorf("start ClickHouse HTTP interface: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Endpoint)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("start ClickHouse HTTP interface: listen on %s: %w", cfg.Endpoint, err)
	}
	ln = netutil.LimitListener(ln, cfg.MaxConnections)
	cfg.Endpoint = ln.Addr().String() // the Host check names the bound port
	handler, err := NewHandler(conn, cfg, logger)
	if err != nil {
		_ = ln.Close()
		_ = conn.Close()
		return nil, err
	}
	s := &Server{
		conn:     conn,
		listener: ln,
		logger:   logger,
		served:   make(chan error, 1),
		http: &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: 30 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    4 << 20, // long GET ?query= URLs
			ErrorLog:          zap.NewStdLog(logger.Named("http")),
		},
	}
	go func() { s.served <- s.http.Serve(ln) }()
	logger.Info("embedded ClickHouse HTTP interface listening", zap.String("endpoint", s.Addr()),
		zap.String("path", cfg.Path), zap.Int("users", len(cfg.Users)))
	return s, nil
}

// Addr returns the host:port the server listens on (the actual port when
// the endpoint asked for port 0).
func (s *Server) Addr() string { return s.listener.Addr().String() }

// URL returns the server's base URL, "http://host:port".
func (s *Server) URL() string { return "http://" + s.Addr() }

// Conn returns the store the server owns, for in-process use (schema
// migrations, tests). It is closed by Shutdown.
func (s *Server) Conn() *chdb.Conn { return s.conn }

// Shutdown stops accepting connections , waits for
// in-flight requests (until ctx ends), then closes the store so its data is
// flushed and its data path released. It is safe to call more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		var errs []error
		if err := s.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop HTTP server: %w", err))
			_ = s.http.Close()
		}
		if err := <-s.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, fmt.Errorf("HTTP server: %w", err))
		}
		if err := s.conn.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close chdb store %q: %w", s.conn.Path(), err))
		}
		s.shutdownErr = errors.Join(errs...)
		s.logger.Info("embedded ClickHouse HTTP interface stopped", zap.String("path", s.conn.Path()))
	})
	return s.shutdownErr
}
