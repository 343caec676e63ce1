package chserver

import (
	"cmp"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// httpParams are URL parameters of ClickHouse's HTTP interface that are not
// settings; they never reach a SETTINGS clause. Parameters this server has
// no use for (sessions, progress headers, buffering: responses are always
// buffered whole, which is what wait_end_of_query asks for) are accepted and
// ignored, as clients send them routinely.
var httpParams = map[string]bool{
	"query": true, "database": true, "default_format": true, "query_id": true,
	"user": true, "password": true, "quota_key": true, "role": true,
	"session_id": true, "session_timeout": true, "session_check": true,
	"compress": true, "decompress": true, "enable_http_compression": true,
	"http_zlib_compression_level": true, "network_compression_method": true,
	"network_zstd_compression_level": true, "client_protocol_version": true,
	"wait_end_of_query": true, "http_wait_end_of_query": true, "buffer_size": true,
	"http_response_buffer_size": true, "send_progress_in_http_headers": true,
	"http_headers_progress_interval_ms": true, "add_http_cors_header": true,
	"http_native_compression_disable_checksumming_on_decompress": true,
	"cancel_http_readonly_queries_on_client_close":               true,
	"http_write_exception_in_output_format":                      true,
}

// request is one query request's parameters.
type request struct {
	query          string // the query URL parameter
	database       string
	defaultFormat  string
	params         map[string]string // param_<name> values, in ClickHouse's escaped text form
	settings       []string          // rendered "name = 'value'" pairs, in URL order
	revision       uint64            // client_protocol_version
	compress       bool              // compress=1: native-compressed response
	decompress     bool              // decompress=1: native-compressed body
	compressMethod string            // network_compression_method
	httpCompress   bool              // enable_http_compression is not 0
}

var settingName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseRequest reads the URL parameters (values, parsed from r.URL) and
// headers of a query request. maxTime caps max_execution_time
// (ClickHouse's setting, in seconds).
func parseRequest(r *http.Request, values url.Values, maxTime time.Duration) (*request, error) {
	req := &request{
		query:          values.Get("query"),
		database:       cmp.Or(values.Get("database"), r.Header.Get("X-ClickHouse-Database"), "default"),
		defaultFormat:  cmp.Or(values.Get("default_format"), r.Header.Get("X-ClickHouse-Format"), "TabSeparated"),
		compress:       values.Get("compress") == "1",
		decompress:     values.Get("decompress") == "1",
		compressMethod: values.Get("network_compression_method"),
		httpCompress:   values.Get("enable_http_compression") != "0",
	}
	if v := values.Get("client_protocol_version"); v != "" {
		rev, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, newException(codeBadArguments, http.StatusBadRequest, "client_protocol_version %q is not a number", v)
		}
		req.revision = rev
	}
	var err error
	if req.params, req.settings, err = settingsFrom(values, maxTime); err != nil {
		return nil, err
	}
	return req, nil
}

// settingsFrom splits parameters into param_<name> query parameters and
// rendered "name = 'value'" settings (sorted by name, so the SETTINGS clause
// is deterministic), skipping the HTTP interface's own parameters and
// capping max_execution_time at maxTime (added when absent). The HTTP
// handler passes its URL parameters; the native protocol its query's
// settings and parameters.
func settingsFrom(values url.Values, maxTime time.Duration) (map[string]string, []string, error) {
	var params map[string]string
	var settings []string
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names) // a deterministic SETTINGS clause
	var timeoutSet bool
	for _, name := range names {
		value := values.Get(name)
		switch {
		case strings.HasPrefix(name, "param_"):
			if params == nil {
				params = map[string]string{}
			}
			params[strings.TrimPrefix(name, "param_")] = value
			continue
		case httpParams[name]:
			continue
		case !settingName.MatchString(name):
			return nil, nil, newException(codeUnknownSetting, http.StatusBadRequest, "invalid setting name %q: setting names are letters, digits and underscores", name)
		case name == "max_execution_time":
			timeoutSet = true
			value = capSeconds(value, maxTime)
		case !settingAllowed(name, value, maxTime):
			return nil, nil, denied("setting %s = %s is not allowed: limits, permissions and file or network settings are fixed by the server", name, value)
		}
		settings = append(settings, name+" = "+quoteString(value))
	}
	if !timeoutSet && maxTime > 0 {
		settings = append(settings, "max_execution_time = "+quoteString(formatSeconds(maxTime)))
	}
	return params, settings, nil
}

// capSeconds returns value (seconds) capped at limit; 0 or unparsable
// values are passed as the limit or left for the engine to reject.
func capSeconds(value string, limit time.Duration) string {
	if limit <= 0 {
		return value
	}
	secs, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return value // the engine reports the bad value
	}
	if secs <= 0 || time.Duration(secs*float64(time.Second)) > limit {
		return formatSeconds(limit)
	}
	return value
}

func formatSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// Escapers of ClickHouse string literals and back-quoted identifiers,
// built once: they are used for every setting of every request.
var (
	stringEscaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	identEscaper  = strings.NewReplacer(`\`, `\\`, "`", "\\`")
)

// quoteString renders s as a ClickHouse string literal.
func quoteString(s string) string { return "'" + stringEscaper.Replace(s) + "'" }

// quoteIdent renders s as a ClickHouse back-quoted identifier.
func quoteIdent(s string) string { return "`" + identEscaper.Replace(s) + "`" }

// credentials returns the user and password a request carries, from basic
// auth, X-ClickHouse-User/X-ClickHouse-Key, or the user/password
// parameters, in that order; ok is false when it carries none.
func credentials(r *http.Request, values url.Values) (user, password string, ok bool) {
	if u, p, basic := r.BasicAuth(); basic {
		return u, p, true
	}
	if u := r.Header.Get("X-ClickHouse-User"); u != "" {
		return u, r.Header.Get("X-ClickHouse-Key"), true
	}
	if u := values.Get("user"); u != "" {
		return u, values.Get("password"), true
	}
	return "", "", false
}
