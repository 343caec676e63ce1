package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// DefaultDSN is the embedded ClickHouse's HTTP interface, which the
// collector serves by default.
const DefaultDSN = "http://127.0.0.1:8123/kaizen"

// defaultDialTimeout bounds connecting to ClickHouse.
const defaultDialTimeout = 5 * time.Second

// Store reads runs and writes analyses through one ClickHouse connection.
type Store struct {
	conn     driver.Conn
	endpoint string
	password string
}

// Open connects to the ClickHouse named by dsn (clickhouse-go DSN syntax,
// e.g. http://127.0.0.1:8123/kaizen or clickhouse://user:pw@host:9000/kaizen)
// and checks that it answers. Errors name the endpoint but never the
// password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	endpoint := Redact(dsn)
	if u, err := url.Parse(dsn); err == nil && !knownScheme(u.Scheme) {
		return nil, fmt.Errorf("ClickHouse DSN %s: scheme %q is not one ClickHouse speaks: use http://host:8123/kaizen (the embedded store, or a server's HTTP port), https://… or clickhouse://host:9000/kaizen",
			endpoint, u.Scheme)
	}
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse ClickHouse DSN %s: %s", endpoint, scrub(err.Error(), passwordOf(dsn)))
	}
	if opts.Auth.Database == "" {
		opts.Auth.Database = schema.DefaultDatabase
	}
	if opts.DialTimeout == 0 || opts.DialTimeout > defaultDialTimeout {
		opts.DialTimeout = defaultDialTimeout
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to ClickHouse at %s: %s", endpoint, scrub(err.Error(), opts.Auth.Password))
	}
	s := &Store{conn: conn, endpoint: endpoint, password: opts.Auth.Password}
	pctx, cancel := context.WithTimeout(ctx, defaultDialTimeout)
	defer cancel()
	if err := conn.Ping(pctx); err != nil {
		_ = conn.Close()
		return nil, connectError(endpoint, opts, err)
	}
	return s, nil
}

func knownScheme(s string) bool {
	switch strings.ToLower(s) {
	case "http", "https", "clickhouse", "tcp":
		return true
	}
	return false
}

// ClickHouse error codes Open explains.
const (
	codeUnknownDatabase      = 81
	codeAuthenticationFailed = 516
	codeUnknownUser          = 192
	codeRequiredPassword     = 194
)

// connectError says why a first ping failed and what to do next, without
// the client library's error chain: nothing listening, a server that is not
// ClickHouse, an unknown database, refused credentials.
func connectError(endpoint string, opts *clickhouse.Options, err error) error {
	var ex *clickhouse.Exception
	var op *net.OpError
	switch {
	case errors.As(err, &ex) && ex.Code == codeUnknownDatabase:
		return fmt.Errorf("ClickHouse at %s has no database %q (the collector creates it when it starts with create_schema; check the DSN's path)",
			endpoint, opts.Auth.Database)
	case errors.As(err, &ex) && (ex.Code == codeAuthenticationFailed || ex.Code == codeUnknownUser || ex.Code == codeRequiredPassword):
		return fmt.Errorf("ClickHouse at %s refused user %q (set the password with --password-file / KAIZEN_CLICKHOUSE_PASSWORD_FILE; the embedded store's are under <data dir>/chdb/credentials)",
			endpoint, opts.Auth.Username)
	case errors.As(err, &ex):
		return fmt.Errorf("ClickHouse at %s: %s", endpoint, scrub(ex.Message, opts.Auth.Password))
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Errorf("nothing answers at %s (start the collector with its embedded ClickHouse — make demo starts one — or set --dsn / KAIZEN_CLICKHOUSE_DSN): %s",
			endpoint, scrub(op.Err.Error(), opts.Auth.Password))
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("ClickHouse at %s did not answer within %s (is the host right, and the port ClickHouse's HTTP port?)", endpoint, defaultDialTimeout)
	}
	return fmt.Errorf("%s answers, but not as ClickHouse (the embedded store listens on 127.0.0.1:8123; 4317/4318 are OTLP and 13133 the collector's health check)",
		endpoint)
}

// Endpoint returns the DSN with its password removed.
func (s *Store) Endpoint() string { return s.endpoint }

// Close closes the connection.
func (s *Store) Close() error { return s.conn.Close() }

// wrap adds context to a query error and removes the password from it.
func (s *Store) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s at %s: %w", what, s.endpoint, err)
	}
	return fmt.Errorf("%s at %s: %s", what, s.endpoint, scrub(err.Error(), s.password))
}

// params attaches server-side query parameters ({name:Type}) to ctx.
func params(ctx context.Context, p map[string]string) context.Context {
	return clickhouse.Context(ctx, clickhouse.WithParameters(p))
}

// Redact returns dsn with any password replaced by "xxxxx" (or a fixed
// placeholder when dsn is not a URL), for messages and logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		return "<unparsable DSN>"
	}
	q := u.Query()
	for k := range q {
		if strings.EqualFold(k, "password") {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.Redacted()
}

func passwordOf(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// scrub removes a secret from a message.
func scrub(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "xxxxx")
}
