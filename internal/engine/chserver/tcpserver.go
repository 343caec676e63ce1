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

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// Timeouts of the native protocol, after ClickHouse's own settings.
const (
	// tcpHandshakeTimeout bounds the client hello (and addendum).
	tcpHandshakeTimeout = 30 * time.Second
	// tcpIdleTimeout closes connections idle between queries
	// (ClickHouse's idle_connection_timeout).
	tcpIdleTimeout = time.Hour
	// tcpReceiveTimeout bounds each packet the client sends during a query
	// (ClickHouse's receive_timeout).
	tcpReceiveTimeout = 5 * time.Minute
	// tcpSendTimeout bounds each write to the client (send_timeout).
	tcpSendTimeout = 5 * time.Minute
	// tcpDrainTimeout bounds how long a connection closed on an error
	// reads what the client is still sending (see session.drain).
	tcpDrainTimeout = 2 * time.Second
	// maxRejecting bounds the connections over Config.MaxConnections being
	// told so at once (each for at most tcpDrainTimeout); beyond it they
	// are closed without a message.
	maxRejecting = 16
	// rejectLogInterval spaces the warnings about refused connections.
	rejectLogInterval = 10 * time.Second
)

// TCPServer serves ClickHouse's native TCP protocol over an open store.
type TCPServer struct {
	conn     *chdb.Conn
	cfg      Config
	auth     authenticator
	logger   *zap.Logger
	listener net.Listener

	mu       sync.Mutex
	sessions map[*session]struct{}
	closing  bool
	// rejecting counts connections over the cap being refused; rejected
	// counts every refused connection, lastRejectLog when one was last
	// logged as a warning.
	rejecting     int
	rejected      uint64
	lastRejectLog time.Time
	wg            sync.WaitGroup // the accept loop and every session
	stopOnce      sync.Once
	stopErr       error
}

// ListenTCP listens on cfg.TCPEndpoint (DefaultTCPEndpoint when empty) and
// serves the native protocol over conn until Shutdown. cfg supplies
// credentials and limits, as for NewHandler; Path and Endpoint are not
// used. Shutdown does not close conn.
func ListenTCP(conn *chdb.Conn, cfg Config, logger *zap.Logger) (*TCPServer, error) {
	if cfg.TCPEndpoint == "" {
		cfg.TCPEndpoint = DefaultTCPEndpoint
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("chserver native protocol config: %w", err)
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	cfg = cfg.withDefaults()
	ln, err := net.Listen("tcp", cfg.TCPEndpoint)
	if err != nil {
		return nil, fmt.Errorf("start ClickHouse native protocol: listen on %s: %w (set tcp_endpoint, KAIZEN_CHDB_TCP_ENDPOINT in collector/config.yaml, to a free port)", cfg.TCPEndpoint, err)
	}
	s := &TCPServer{
		conn: conn, cfg: cfg, auth: newAuthenticator(cfg), logger: logger, listener: ln,
		sessions: map[*session]struct{}{},
	}
	s.wg.Add(1)
	go s.acceptLoop()
	logger.Info("embedded ClickHouse native protocol listening", zap.String("endpoint", s.Addr()), zap.Bool("auth", cfg.authRequired()))
	return s, nil
}

// Addr returns the host:port the server listens on.
func (s *TCPServer) Addr() string { return s.listener.Addr().String() }

func (s *TCPServer) acceptLoop() {
	defer s.wg.Done()
	var delay time.Duration
	for {
		nc, err := s.listener.Accept()
		if err != nil {
			if s.isClosing() || errors.Is(err, net.ErrClosed) {
				return
			}
			// Temporary failures (too many open files): back off, as net/http does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.logger.Warn("chserver: accept native connection", zap.Error(err), zap.Duration("retry_in", delay))
			time.Sleep(delay)
			continue
		}
		delay = 0
		s.mu.Lock()
		switch {
		case s.closing:
			s.mu.Unlock()
			_ = nc.Close()
		case len(s.sessions) >= s.cfg.MaxConnections:
			s.reject(nc) // unlocks s.mu
		default:
			ss := newSession(s, nc)
			s.sessions[ss] = struct{}{}
			s.wg.Add(1)
			s.mu.Unlock()
			go func() {
				defer s.wg.Done()
				ss.serve()
				s.mu.Lock()
				delete(s.sessions, ss)
				s.mu.Unlock()
			}()
		}
	}
}

// reject refuses a connection over Config.MaxConnections: it counts and
// logs it, and (unless maxRejecting others are being refused) sends
// exception 202 before closing, so the client reports why. Called with
// s.mu held; it unlocks it.
func (s *TCPServer) reject(nc net.Conn) {
	s.rejected++
	total, now := s.rejected, time.Now()
	warn := now.Sub(s.lastRejectLog) >= rejectLogInterval
	if warn {
		s.lastRejectLog = now
	}
	tell := s.rejecting < maxRejecting
	if tell {
		s.rejecting++
		s.wg.Add(1)
	}
	s.mu.Unlock()
	fields := []zap.Field{zap.Int("max_connections", s.cfg.MaxConnections), zap.Uint64("refused_total", total), zap.String("client", nc.RemoteAddr().String())}
	if warn {
		s.logger.Warn("chserver: native connection refused: max_connections reached (raise max_connections, or close idle clients)", fields...)
	} else {
		s.logger.Debug("chserver: native connection refused: max_connections reached", fields...)
	}
	if !tell {
		_ = nc.Close()
		return
	}
	go func() {
		defer s.wg.Done()
		defer nc.Close()
		newSession(s, nc).fail(newException(codeTooManyConnections, http.StatusServiceUnavailable,
			"too many connections: the embedded ClickHouse native protocol serves at most %d at once (max_connections); retry later", s.cfg.MaxConnections))
		s.mu.Lock()
		s.rejecting--
		s.mu.Unlock()
	}()
}

// RejectedConnections returns how many connections were refused because
// Config.MaxConnections were open.
func (s *TCPServer) RejectedConnections() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

func (s *TCPServer) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// setIdle marks a session as waiting for its next query (idle true) or
// running one. It returns false when the server is shutting down and an
// idle session should end instead of reading another query.
func (s *TCPServer) setIdle(ss *session, idle bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss.idle = idle
	return !s.closing
}

// Shutdown stops accepting connections, closes idle ones, lets running
// queries finish and answer (until ctx ends, then closes every connection),
// and waits for the sessions to end. It is safe to call more than once.
func (s *TCPServer) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.closing = true
		for ss := range s.sessions {
			if ss.idle {
				_ = ss.nc.Close()
			}
		}
		s.mu.Unlock()
		err := s.listener.Close()
		done := make(chan struct{})
		go func() { s.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			s.mu.Lock()
			for ss := range s.sessions {
				_ = ss.nc.Close()
			}
			s.mu.Unlock()
			<-done
			err = errors.Join(err, fmt.Errorf("stop native protocol: %w (connections closed with queries running)", ctx.Err()))
		}
		if errors.Is(err, net.ErrClosed) {
			err = nil
		}
		s.stopErr = err
		s.logger.Info("embedded ClickHouse native protocol stopped", zap.String("endpoint", s.Addr()))
	})
	return s.stopErr
}
