package chserver

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// maxDrainBytes bounds how much of a refused, oversized body is discarded
// so the client reads the error instead of a reset connection.
const maxDrainBytes = 1 << 30

// handler serves ClickHouse's HTTP interface over one store.
type handler struct {
	conn   *chdb.Conn
	cfg    Config
	auth   authenticator
	policy *policy
	staged *budget
	hosts  hostCheck
	logger *zap.Logger
}

// NewHandler returns the ClickHouse HTTP interface over conn. cfg supplies
// users, browser and Host rules and limits (zero fields take their
// defaults; Path is not used, Endpoint names the bound address for the
// Host check). The handler never panics on input and keeps serving after
// any error, including a closed store.
func NewHandler(conn *chdb.Conn, cfg Config, logger *zap.Logger) (http.Handler, error) {
	if err := validateUsers(cfg.Users); err != nil {
		return nil, fmt.Errorf("chserver handler: %w", err)
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	cfg = cfg.withDefaults()
	return &handler{
		conn: conn, cfg: cfg, auth: newAuthenticator(cfg.Users), policy: newPolicy(conn, cfg.QueryTimeout),
		staged: &budget{limit: cfg.MaxStagedBytes}, hosts: newHostCheck(cfg), logger: logger,
	}, nil
}

// ServeHTTP routes /ping, /replicas_status and queries.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			h.logger.Error("chserver: recovered from a panic while serving a request", zap.Any("panic", p), zap.String("path", r.URL.Path))
			writeException(w, newException(codeUnknownException, http.StatusInternalServerError, "internal error: %v", p))
		}
	}()
	switch r.URL.Path {
	case "/ping", "/replicas_status":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeException(w, newException(codeNotImplemented, http.StatusMethodNotAllowed, "method %s is not allowed on %s", r.Method, r.URL.Path))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		_, _ = io.WriteString(w, "Ok.\n")
	case "/", "":
		if err := h.hosts.check(r); err != nil {
			writeException(w, err)
			return
		}
		h.serveQuery(w, r)
	default:
		writeException(w, newException(codeNotImplemented, http.StatusNotFound, "there is no handler for %s: use / for queries and /ping for health checks", r.URL.Path))
	}
}

func (h *handler) serveQuery(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	header := w.Header()
	values := r.URL.Query()
	queryID := values.Get("query_id")
	if queryID == "" {
		queryID = uuid.NewString()
	}
	header.Set("X-ClickHouse-Query-Id", queryID)
	header.Set("X-ClickHouse-Server-Display-Name", h.cfg.DisplayName)
	header.Set("X-ClickHouse-Timezone", "UTC")
	out, err := h.execute(r, values)
	if err != nil {
		ex := fromError(err)
		h.logger.Debug("chserver: query failed", zap.String("query_id", queryID), zap.Int("code", ex.code), zap.Duration("elapsed", time.Since(start)))
		if ex.status == http.StatusRequestEntityTooLarge {
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrainBytes))
		}
		writeException(w, ex)
		return
	}
	out.summary.ElapsedNs = uint64(time.Since(start).Nanoseconds())
	header.Set("X-ClickHouse-Format", out.format)
	header.Set("X-ClickHouse-Summary", out.summary.String())
	header.Set("Content-Type", contentType(out.format))
	body := out.data
	if len(body) > 0 {
		if body, err = h.compressResponse(w, r, out.req, body); err != nil {
			writeException(w, fromError(err))
			return
		}
	}
	header.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	h.logger.Debug("chserver: query", zap.String("query_id", queryID), zap.String("format", out.format),
		zap.Uint64("written_rows", out.summary.WrittenRows), zap.Uint64("result_rows", out.summary.ResultRows), zap.Duration("elapsed", time.Since(start)))
}

// output is a successful query's response before compression.
type output struct {
	req     *request
	format  string
	data    []byte
	summary summary
}

// execute authenticates, reads the request (values are its URL
// parameters), admits its statement and runs it.
func (h *handler) execute(r *http.Request, values url.Values) (*output, error) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
	default:
		return nil, newException(codeNotImplemented, http.StatusMethodNotAllowed, "method %s is not supported: use GET for read-only queries or POST", r.Method)
	}
	role, err := h.auth.check(r, values)
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodPost {
		role = RoleReader // GET implies readonly, as in ClickHouse
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		return nil, newException(codeNotImplemented, http.StatusBadRequest, "external tables (multipart/form-data requests) are not supported by the embedded ClickHouse HTTP interface")
	}
	req, err := parseRequest(r, values, h.cfg.QueryTimeout)
	if err != nil {
		return nil, err
	}
	settings := req.settings
	if role == RoleReader {
		settings = append(slices.Clip(settings), "readonly = 1") // last, so the engine enforces it too
	}
	prefix := "USE " + quoteIdent(req.database) + ";\n"
	var st statement
	var res *chdb.Result
	if _, ok := dataOnlyInsert(req.query); ok && r.Method == http.MethodPost {
		// The body is all data: stream it to the staging file.
		var canonical []byte
		if canonical, st, err = h.admit(r, req, []byte(req.query), role); err == nil {
			res, err = h.insertBody(r, req, canonical, st, settings, prefix)
		}
	} else {
		st, res, err = h.runQuery(r, req, settings, prefix, role)
	}
	if err != nil {
		return nil, err
	}
	out := &output{req: req, format: cmp.Or(st.format, req.defaultFormat), data: res.Data}
	out.summary = summary{
		ReadRows: res.RowsRead, ReadBytes: res.BytesRead, TotalRowsToRead: res.RowsRead,
		WrittenRows: res.RowsWritten, WrittenBytes: res.BytesWritten,
	}
	switch {
	case st.kind == kindInsert:
		out.summary.ResultRows, out.summary.ResultBytes = res.RowsWritten, res.BytesWritten
	case strings.EqualFold(out.format, "Native") && req.revision > 0 && len(out.data) > 0:
		if out.data, out.summary.ResultRows, err = reframeNative(out.data, req.revision); err != nil {
			return nil, newException(codeUnknownException, http.StatusInternalServerError, "%v", err)
		}
		out.summary.ResultBytes = uint64(len(out.data))
	default:
		out.summary.ResultRows, out.summary.ResultBytes = countRows(out.format, out.data), uint64(len(out.data))
	}
	return out, nil
}

// admit runs the statement policy on stmt (one statement without inline
// data) and returns the canonical text to run, analyzed.
func (h *handler) admit(r *http.Request, req *request, stmt []byte, role Role) ([]byte, statement, error) {
	canonical, err := h.policy.admit(r.Context(), stmt, req.params, role)
	if err != nil {
		return nil, statement{}, err
	}
	st, err := analyze([]byte(canonical))
	if err != nil {
		return nil, st, newException(codeSyntaxError, http.StatusBadRequest, "%s", err.Error())
	}
	if st.kind != kindQuery && isSystemDatabase(req.database) {
		return nil, st, denied("the %s database is not writable", req.database)
	}
	return []byte(canonical), st, nil
}

func isSystemDatabase(db string) bool {
	return strings.EqualFold(db, "system") || strings.EqualFold(db, "information_schema")
}

// runQuery reads the whole body, joins it to the query parameter, admits
// the statement and runs it (staging inline INSERT data).
func (h *handler) runQuery(r *http.Request, req *request, settings []string, prefix string, role Role) (statement, *chdb.Result, error) {
	var body []byte
	var err error
	if r.Method == http.MethodPost {
		if body, err = readBody(r, req.decompress, h.cfg.MaxRequestBytes); err != nil {
			return statement{}, nil, err
		}
	}
	sql := joinQuery(req.query, body)
	st, err := analyze(sql)
	if err != nil {
		return st, nil, newException(codeSyntaxError, http.StatusBadRequest, "%s", err.Error())
	}
	switch {
	case st.kind == kindSession:
		return st, nil, newException(codeNotImplemented, http.StatusBadRequest,
			"%s is not supported: the embedded engine has one session shared by every client; pass settings as URL parameters (?max_threads=4) or a SETTINGS clause, and the database as ?database=<name>", st.keyword)
	case !st.readOnly && r.Method != http.MethodPost:
		return st, nil, newException(codeReadonly, http.StatusBadRequest,
			"Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries")
	}
	stmt, data := sql, []byte(nil)
	if st.kind == kindInsert && st.dataAt >= 0 {
		stmt, data = sql[:st.dataAt], sql[st.dataAt:]
	}
	canonical, cst, err := h.admit(r, req, stmt, role)
	if err != nil {
		return cst, nil, err
	}
	if cst.kind == kindInsert && cst.formatAt >= 0 && len(data) > 0 {
		if strings.EqualFold(cst.format, "Values") && len(req.params) > 0 && bytes.IndexByte(data, '{') >= 0 {
			return cst, nil, newException(codeBadArguments, http.StatusBadRequest,
				"query parameters inside VALUES are not substituted: the embedded store reads INSERT data as data, never as SQL; write INSERT INTO … SELECT {name:Type}, … instead")
		}
		res, err := runStaged(r.Context(), h.conn, canonical, cst, settings, data, prefix, h.staged)
		return cst, res, err
	}
	full := append([]byte(prefix), withSettings(canonical, cst, settings)...)
	res, err := h.conn.QueryParams(r.Context(), full, req.defaultFormat, req.params)
	return cst, res, err
}

// joinQuery concatenates the query parameter and the body, newline
// separated, as ClickHouse does (the body is data for the statement).
func joinQuery(query string, body []byte) []byte {
	if query == "" {
		return body
	}
	if len(body) == 0 {
		return []byte(query)
	}
	out := make([]byte, 0, len(query)+1+len(body))
	out = append(out, query...)
	out = append(out, '\n')
	return append(out, body...)
}

// compressResponse applies compress=1 (native blocks) or the client's
// Accept-Encoding choice, setting Content-Encoding.
func (h *handler) compressResponse(w http.ResponseWriter, r *http.Request, req *request, body []byte) ([]byte, error) {
	if req.compress {
		return encodeNative(req.compressMethod, body)
	}
	if !req.httpCompress {
		return body, nil
	}
	enc := pickEncoding(r.Header.Get("Accept-Encoding"))
	if enc == "" {
		return body, nil
	}
	out, err := encode(enc, body)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Encoding", enc)
	w.Header().Add("Vary", "Accept-Encoding")
	return out, nil
}

// contentType is the Content-Type ClickHouse sends for a format.
func contentType(format string) string {
	f := strings.ToLower(format)
	switch {
	case strings.HasPrefix(f, "json"):
		return "application/json; charset=UTF-8"
	case strings.HasPrefix(f, "csv"):
		return "text/csv; charset=UTF-8; header=absent"
	case strings.HasPrefix(f, "tabseparated"), strings.HasPrefix(f, "tsv"):
		return "text/tab-separated-values; charset=UTF-8"
	case f == "native", strings.HasPrefix(f, "rowbinary"), f == "parquet", f == "arrow", f == "arrowstream", f == "orc", f == "avro":
		return "application/octet-stream"
	}
	return "text/plain; charset=UTF-8"
}

// countRows counts result rows for the line-per-row formats (which escape
// newlines inside values); other formats report 0, as the count is not
// known without parsing them.
func countRows(format string, data []byte) uint64 {
	f := strings.ToLower(format)
	header := uint64(0)
	switch {
	case strings.HasSuffix(f, "withnamesandtypes"):
		header, f = 2, strings.TrimSuffix(f, "withnamesandtypes")
	case strings.HasSuffix(f, "withnames"):
		header, f = 1, strings.TrimSuffix(f, "withnames")
	}
	switch f {
	case "tabseparated", "tsv", "tabseparatedraw", "tsvraw", "jsoneachrow", "jsoncompacteachrow", "jsonstringseachrow", "jsoncompactstringseachrow", "jsonlines", "ndjson":
		n := uint64(bytes.Count(data, []byte{'\n'}))
		if n < header {
			return 0
		}
		return n - header
	}
	return 0
}

// summary is the X-ClickHouse-Summary header; ClickHouse sends its numbers
// as JSON strings.
type summary struct {
	ReadRows, ReadBytes, WrittenRows, WrittenBytes uint64
	TotalRowsToRead, ResultRows, ResultBytes       uint64
	ElapsedNs                                      uint64
}

// String renders the header value.
func (s summary) String() string {
	return fmt.Sprintf(`{"read_rows":"%d","read_bytes":"%d","written_rows":"%d","written_bytes":"%d","total_rows_to_read":"%d","result_rows":"%d","result_bytes":"%d","elapsed_ns":"%d"}`,
		s.ReadRows, s.ReadBytes, s.WrittenRows, s.WrittenBytes, s.TotalRowsToRead, s.ResultRows, s.ResultBytes, s.ElapsedNs)
}
