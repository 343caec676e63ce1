package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kaizenhq/kaizen/analyzer/internal/report"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/scheduler"
	"github.com/kaizenhq/kaizen/analyzer/internal/store"
	"github.com/kaizenhq/kaizen/analyzer/internal/timearg"
	"github.com/kaizenhq/kaizen/analyzer/internal/whatif"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Listing bounds.
const (
	defaultLimit = 50
	maxLimit     = 500
	maxOffset    = 100_000
	defaultSince = "7d"
)

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "store_unavailable", Message: err.Error()}
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": s.cfg.Store.Endpoint()})
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	if s.metricH == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "metrics are not enabled"}
	}
	s.metricH.ServeHTTP(w, r)
	return nil
}

func (s *Server) openapi(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	if _, err := w.Write(openAPI); err != nil {
		return errors.Join(errResponseStarted, err)
	}
	return nil
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) error {
	q, err := params(r, "since", "until", "workflow", "service", "model", "min_cost", "analyzed", "limit", "offset")
	if err != nil {
		return err
	}
	f := store.Filter{Workflow: q.Get("workflow"), Service: q.Get("service"), Model: q.Get("model")}
	var page report.Page
	if f.Since, f.Until, err = timeRange(q); err != nil {
		return err
	}
	if page.Limit, page.Offset, err = paging(q); err != nil {
		return err
	}
	if v := q.Get("min_cost"); v != "" {
		if f.MinCost, err = pricing.ParseUSD(v); err != nil {
			return badRequest("min_cost %q: want a dollar amount such as 0.25", v)
		}
	}
	if v := q.Get("analyzed"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return badRequest("analyzed %q: want true or false", v)
		}
		f.Analyzed = &b
	}
	f.Limit, f.Offset = page.Limit+1, page.Offset
	ctx, cancel := s.query(r)
	defer cancel()
	runs, err := s.cfg.Store.ListRuns(ctx, f)
	if err != nil {
		return err
	}
	if len(runs) > page.Limit {
		runs, page.More = runs[:page.Limit], true
	}
	return writeDoc(w, http.StatusOK, report.RunsPage{Runs: runs, Page: page})
}

func (s *Server) listWorkflows(w http.ResponseWriter, r *http.Request) error {
	q, err := params(r, "since", "until")
	if err != nil {
		return err
	}
	since, until, err := timeRange(q)
	if err != nil {
		return err
	}
	ctx, cancel := s.query(r)
	defer cancel()
	ws, err := s.cfg.Store.ListWorkflows(ctx, since, until)
	if err != nil {
		return err
	}
	return writeDoc(w, http.StatusOK, report.Workflows(ws))
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) error {
	rn, err := s.loadRun(r)
	if err != nil {
		return err
	}
	return writeDoc(w, http.StatusOK, &report.Show{Run: rn, Roots: rn.Build()})
}

// analyzeRequest is the body of POST …/analyze.
type analyzeRequest struct {
	Mode scheduler.Mode `json:"mode"`
}

func (s *Server) analyze(w http.ResponseWriter, r *http.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	id, err := traceID(r)
	if err != nil {
		return err
	}
	req := analyzeRequest{Mode: scheduler.Offline}
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if req.Mode != scheduler.Offline && req.Mode != scheduler.Gemini {
		return badRequest("mode %q: want offline or gemini", req.Mode)
	}
	if s.cfg.Submitter == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "this server does not run analyses"}
	}
	ctx, cancel := s.query(r)
	defer cancel()
	aid, err := s.cfg.Submitter.Submit(ctx, id, req.Mode)
	if err != nil {
		return err
	}
	loc := "/api/v1/analyses/" + aid
	w.Header().Set("Location", loc)
	return writeJSON(w, http.StatusAccepted, map[string]string{"analysis_id": aid, "trace_id": id, "mode": string(req.Mode),
		"status": string(store.StatusPending), "href": loc})
}

func (s *Server) latestAnalysis(w http.ResponseWriter, r *http.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	id, err := traceID(r)
	if err != nil {
		return err
	}
	ctx, cancel := s.query(r)
	defer cancel()
	a, err := s.cfg.Store.LatestAnalysis(ctx, id)
	if err != nil {
		return err
	}
	return writeDoc(w, http.StatusOK, report.StoredAnalysis{StoredAnalysis: a})
}

func (s *Server) getAnalysis(w http.ResponseWriter, r *http.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	raw := r.PathValue("analysis_id")
	id, err := uuid.Parse(raw)
	if err != nil {
		return badRequest("analysis id %q: want a UUID such as 3e9076aa-6477-45ac-9ed8-5e8105642211", clip(raw))
	}
	ctx, cancel := s.query(r)
	defer cancel()
	a, err := s.cfg.Store.LoadAnalysis(ctx, id)
	if err != nil {
		return err
	}
	return writeDoc(w, http.StatusOK, report.StoredAnalysis{StoredAnalysis: a})
}

func (s *Server) whatIf(w http.ResponseWriter, r *http.Request) error {
	q, err := params(r, "model", "cache", "batch")
	if err != nil {
		return err
	}
	sc := whatif.Scenario{Model: q.Get("model")}
	for name, dst := range map[string]*bool{"cache": &sc.Cache, "batch": &sc.Batch} {
		if v := q.Get(name); v != "" {
			if *dst, err = strconv.ParseBool(v); err != nil {
				return badRequest("%s %q: want true or false", name, v)
			}
		}
	}
	if err := sc.Validate(s.cfg.Prices); err != nil {
		return badRequest("%s", strings.TrimPrefix(err.Error(), whatif.ErrScenario.Error()+": "))
	}
	rn, err := s.loadRun(r)
	if err != nil {
		return err
	}
	rn.Build()
	res, err := sc.Apply(rn, s.cfg.Prices)
	if err != nil {
		return badRequest("%s", err)
	}
	return writeDoc(w, http.StatusOK, &report.WhatIf{TraceID: rn.TraceID, Result: res})
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	a, err := traceID(r)
	if err != nil {
		return err
	}
	b, err := store.NormalizeTraceID(r.PathValue("other_trace_id"))
	if err != nil {
		return badRequest("%s", err)
	}
	if a == b {
		return badRequest("trace A and trace B are the same run")
	}
	if s.cfg.Analyzer == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "this server does not compute diffs"}
	}
	ctx, cancel := s.query(r)
	defer cancel()
	res, err := s.cfg.Analyzer.Diff(ctx, a, b)
	if err != nil {
		return err
	}
	return writeDoc(w, http.StatusOK, report.Diff{Result: res})
}

func (s *Server) listFindings(w http.ResponseWriter, r *http.Request) error {
	q, err := params(r, "since", "until", "type", "workflow", "limit", "offset")
	if err != nil {
		return err
	}
	f := store.FindingFilter{Type: run.Type(q.Get("type")), Workflow: q.Get("workflow")}
	if f.Type != "" && f.Type.Rank() < 0 {
		names := make([]string, len(run.Types))
		for i, t := range run.Types {
			names[i] = string(t)
		}
		return badRequest("type %q: want one of %s", clip(string(f.Type)), strings.Join(names, ", "))
	}
	if f.Since, f.Until, err = timeRange(q); err != nil {
		return err
	}
	var page report.Page
	if page.Limit, page.Offset, err = paging(q); err != nil {
		return err
	}
	f.Limit, f.Offset = page.Limit+1, page.Offset
	ctx, cancel := s.query(r)
	defer cancel()
	fs, err := s.cfg.Store.ListFindings(ctx, f)
	if err != nil {
		return err
	}
	if len(fs) > page.Limit {
		fs, page.More = fs[:page.Limit], true
	}
	return writeDoc(w, http.StatusOK, report.FindingsPage{Findings: fs, Page: page})
}

func (s *Server) query(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.QueryTimeout)
}

func (s *Server) loadRun(r *http.Request) (*run.Run, error) {
	id, err := traceID(r)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.query(r)
	defer cancel()
	return s.cfg.Store.LoadRun(ctx, id)
}

func traceID(r *http.Request) (string, error) {
	raw := r.PathValue("trace_id")
	id, err := store.NormalizeTraceID(raw)
	if err != nil {
		return "", badRequest("%s", err)
	}
	return id, nil
}

// params returns the query parameters, refusing any not in allowed (a
// misspelt filter would otherwise widen the result unnoticed) and repeats.
func params(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("query string: %s", err)
	}
	for k, v := range q {
		if !slices.Contains(allowed, k) {
			if len(allowed) == 0 {
				return nil, badRequest("unknown parameter %q: this endpoint takes none", clip(k))
			}
			return nil, badRequest("unknown parameter %q (want %s)", clip(k), strings.Join(allowed, ", "))
		}
		if len(v) > 1 {
			return nil, badRequest("parameter %q given %d times", k, len(v))
		}
	}
	return q, nil
}

func timeRange(q url.Values) (since, until time.Time, err error) {
	now := time.Now()
	raw := q.Get("since")
	if raw == "" {
		raw = defaultSince
	}
	if since, err = timearg.Parse(raw, now); err != nil {
		return since, until, badRequest("since %s", err)
	}
	if raw := q.Get("until"); raw != "" {
		if until, err = timearg.Parse(raw, now); err != nil {
			return since, until, badRequest("until %s", err)
		}
		if !until.After(since) {
			return since, until, badRequest("until %s is not after since %s", until.UTC().Format(time.RFC3339), since.UTC().Format(time.RFC3339))
		}
	}
	return since, until, nil
}

func paging(q url.Values) (limit, offset int, err error) {
	limit, offset = defaultLimit, 0
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"limit", &limit, 1, maxLimit}, {"offset", &offset, 0, maxOffset}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < p.min || n > p.max {
			return 0, 0, badRequest("%s %q: want an integer from %d to %d", p.name, clip(v), p.min, p.max)
		}
		*p.dst = n
	}
	return limit, offset, nil
}

// maxBody bounds request bodies; the API takes only small JSON objects.
const maxBody = 4 << 10

func decodeBody(r *http.Request, dst any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return badRequest("read body: %s", err)
	}
	if len(body) > maxBody {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: fmt.Sprintf("body over %d bytes", maxBody)}
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send the body as application/json"}
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest("body: %s", err)
	}
	if dec.More() {
		return badRequest("body: one JSON object expected")
	}
	return nil
}

// clip shortens user input echoed in messages.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func writeDoc(w http.ResponseWriter, status int, d report.JSONDocument) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if err := report.WriteJSON(w, d); err != nil {
		return errors.Join(errResponseStarted, err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		return errors.Join(errResponseStarted, err)
	}
	return nil
}

// errResponseStarted marks errors after the status line was written.
var errResponseStarted = errors.New("response started")
