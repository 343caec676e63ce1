package api

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kaizenhq/kaizen/analyzer/internal/analysis"
	"github.com/kaizenhq/kaizen/analyzer/internal/scheduler"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// openAPI is the API's description, served as written.
//
//go:embed openapi.json
var openAPI []byte

// Submitter starts on-demand analyses (the scheduler of kaizen serve).
type Submitter interface {
	Submit(ctx context.Context, traceID string, mode scheduler.Mode) (string, error)
}

// Config is what the API serves from.
type Config struct {
	Store     *store.Store
	Submitter Submitter
	// Analyzer computes diffs (nil: the diff route answers 503).
	Analyzer *analysis.Analyzer
	Prices   *pricing.Table
	// Gatherer is exposed at /metrics (nil: no /metrics).
	Gatherer prometheus.Gatherer
	// Token, when set, must be sent as "Authorization: Bearer <token>" on
	// every route but /healthz.
	Token string
	// AllowedHosts are Host header values accepted besides loopback names;
	// without a token only these and loopback are served, which keeps DNS
	// rebinding pages out.
	AllowedHosts []string
	Log          *slog.Logger
	// QueryTimeout bounds each store read of a request (default 30 s).
	QueryTimeout time.Duration
}

// route is one endpoint; the table is also what the OpenAPI test checks.
type route struct {
	method, pattern string
	handle          func(*Server, http.ResponseWriter, *http.Request) error
	public          bool
}

var routes = []route{
	{http.MethodGet, "/healthz", (*Server).health, true},
	{http.MethodGet, "/metrics", (*Server).metrics, false},
	{http.MethodGet, "/api/v1/openapi.json", (*Server).openapi, false},
	{http.MethodGet, "/api/v1/runs", (*Server).listRuns, false},
	{http.MethodGet, "/api/v1/workflows", (*Server).listWorkflows, false},
	{http.MethodGet, "/api/v1/runs/{trace_id}", (*Server).getRun, false},
	{http.MethodPost, "/api/v1/runs/{trace_id}/analyze", (*Server).analyze, false},
	{http.MethodGet, "/api/v1/runs/{trace_id}/analysis", (*Server).latestAnalysis, false},
	{http.MethodGet, "/api/v1/runs/{trace_id}/what-if", (*Server).whatIf, false},
	{http.MethodGet, "/api/v1/runs/{trace_id}/diff/{other_trace_id}", (*Server).diff, false},
	{http.MethodGet, "/api/v1/analyses/{analysis_id}", (*Server).getAnalysis, false},
	{http.MethodGet, "/api/v1/findings", (*Server).listFindings, false},
}

// Server serves the HTTP API.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	metricH http.Handler
}

// New returns the API over cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Prices == nil {
		return nil, errors.New("api: a store and a price table are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = 30 * time.Second
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux()}
	if cfg.Gatherer != nil {
		s.metricH = promhttp.HandlerFor(cfg.Gatherer, promhttp.HandlerOpts{})
	}
	byPattern := map[string][]route{}
	var order []string
	for _, rt := range routes {
		if _, seen := byPattern[rt.pattern]; !seen {
			order = append(order, rt.pattern)
		}
		byPattern[rt.pattern] = append(byPattern[rt.pattern], rt)
	}
	// Patterns are registered without a method so that a wrong method gets
	// a JSON 405 like every other error.
	for _, p := range order {
		s.mux.Handle(p, s.dispatch(byPattern[p]))
	}
	s.mux.Handle("/", s.wrap(route{public: true}, func(*Server, http.ResponseWriter, *http.Request) error {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such endpoint (see /api/v1/openapi.json)"}
	}))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) dispatch(rs []route) http.Handler {
	var allow []string
	handlers := map[string]http.Handler{}
	for _, rt := range rs {
		allow = append(allow, rt.method)
		handlers[rt.method] = s.wrap(rt, rt.handle)
		if rt.method == http.MethodGet {
			handlers[http.MethodHead] = handlers[rt.method]
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := handlers[r.Method]; ok {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s is not allowed here; use %s", r.Method, strings.Join(allow, ", "))})
	})
}

// wrap applies the checks every request passes and turns a handler error
// into a JSON error response.
func (s *Server) wrap(rt route, h func(*Server, http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		err := s.admit(r, rt.public)
		if err == nil {
			err = h(s, w, r)
		}
		if errors.Is(err, errResponseStarted) {
			s.cfg.Log.Warn("response cut short", "method", r.Method, "path", r.URL.Path, "error", err)
			return
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = s.classify(r, err)
			}
			writeError(w, e)
			level := slog.LevelInfo
			if e.Status >= 500 {
				level = slog.LevelError
			}
			s.cfg.Log.Log(r.Context(), level, "request failed", "method", r.Method, "path", r.URL.Path,
				"status", e.Status, "code", e.Code, "error", e.Message, "seconds", time.Since(start).Seconds())
		}
	})
}

// admit keeps browsers of other sites and unauthenticated clients out.
func (s *Server) admit(r *http.Request, public bool) error {
	if s.cfg.Token == "" && !s.hostAllowed(r.Host) {
		return &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: fmt.Sprintf("Host %q is not served without a token (reach the API at 127.0.0.1 or localhost, or configure an API token)", r.Host)}
	}
	if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "cross-origin requests are refused"}
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "cross-site requests are refused"}
	}
	if public || s.cfg.Token == "" {
		return nil
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1 {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "send the API token as Authorization: Bearer <token>"}
	}
	return nil
}

func (s *Server) hostAllowed(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.Trim(name, "[]")
	if strings.EqualFold(name, "localhost") {
		return true
	}
	if ip := net.ParseIP(name); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, a := range s.cfg.AllowedHosts {
		if strings.EqualFold(a, host) || strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && strings.EqualFold(u.Host, host)
}

// Error is an API error: its status, a stable code and a message for people.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: fmt.Sprintf(format, args...)}
}

// classify maps an error from below the handlers to a response.
func (s *Server) classify(r *http.Request, err error) *Error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error()}
	case errors.Is(err, scheduler.ErrBusy):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusGatewayTimeout, Code: "timeout", Message: "the store did not answer in time: " + err.Error()}
	case r.Context().Err() != nil:
		return &Error{Status: 499, Code: "cancelled", Message: "the client went away"}
	}
	return &Error{Status: http.StatusServiceUnavailable, Code: "store_unavailable", Message: err.Error()}
}

func writeError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": e.Code, "message": e.Message}})
}
