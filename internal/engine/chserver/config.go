package chserver

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Defaults applied to zero Config fields.
const (
	// DefaultEndpoint is the loopback address ClickHouse's HTTP interface
	// uses by default.
	DefaultEndpoint = "127.0.0.1:8123"
	// DefaultMaxRequestBytes bounds a request body (after decompression).
	DefaultMaxRequestBytes int64 = 256 << 20
	// DefaultQueryTimeout bounds a statement's execution time
	// (ClickHouse's max_execution_time).
	DefaultQueryTimeout = 5 * time.Minute
	// DefaultDisplayName is sent as X-ClickHouse-Server-Display-Name.
	DefaultDisplayName = "kaizen-chdb"
	// DefaultMaxConnections bounds concurrent HTTP connections.
	DefaultMaxConnections = 256
)

// Config configures the HTTP interface.
type Config struct {
	// Endpoint is the host:port to listen on; DefaultEndpoint when empty.
	// Port 0 picks a free port (see Server.Addr).
	Endpoint string
	// Path is the data directory of the store Start opens; empty opens a
	// temporary in-memory store.
	Path string
	// Username and Password, when set, are required on every query
	// request. Empty Username and Password accept any request.
	Username string
	// Password is compared in constant time and never logged.
	Password string
	// MaxRequestBytes bounds a request body after decompression;
	// DefaultMaxRequestBytes when 0.
	MaxRequestBytes int64
	// QueryTimeout bounds each statement's execution time;
	// DefaultQueryTimeout when 0.
	QueryTimeout time.Duration
	// DisplayName is reported in X-ClickHouse-Server-Display-Name;
	// DefaultDisplayName when empty.
	DisplayName string
	// MaxConcurrency bounds how many statements run in the engine at once
	// (chdb.WithMaxConcurrency); chdb.DefaultMaxConcurrency when 0.
	MaxConcurrency int
	// MaxConnections bounds concurrent HTTP connections so queued requests
	// cannot pile up without bound; further clients wait in the listen
	// backlog. DefaultMaxConnections when 0.
	MaxConnections int
}

// Validate reports the first problem with the configuration.
func (c Config) Validate() error {
	if err := validateEndpoint("endpoint", c.Endpoint); err != nil {
		return err
	}
	if c.Password != "" && c.Username == "" {
		return errors.New("password is set but username is empty: set both (ClickHouse's default user is \"default\")")
	}
	if c.MaxRequestBytes < 0 {
		return fmt.Errorf("max_request_bytes %d: must not be negative", c.MaxRequestBytes)
	}
	if c.QueryTimeout < 0 {
		return fmt.Errorf("query_timeout %s: must not be negative", c.QueryTimeout)
	}
	if c.MaxConcurrency < 0 {
		return fmt.Errorf("max_concurrency %d: must not be negative", c.MaxConcurrency)
	}
	if c.MaxConnections < 0 {
		return fmt.Errorf("max_connections %d: must not be negative", c.MaxConnections)
	}
	return nil
}

// validateEndpoint checks a listen address (empty is allowed); what names
// the setting in messages.
func validateEndpoint(what, endpoint string) error {
	if endpoint == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		return fmt.Errorf("%s %q: want host:port: %w", what, endpoint, err)
	}
	if host == "" {
		return fmt.Errorf("%s %q: empty host would listen on every interface; name one (127.0.0.1 for local use, 0.0.0.0 to expose it deliberately)", what, endpoint)
	}
	if port == "" {
		return fmt.Errorf("%s %q: missing port", what, endpoint)
	}
	return nil
}

// withDefaults returns c with zero fields replaced by their defaults.
func (c Config) withDefaults() Config {
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.MaxRequestBytes == 0 {
		c.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if c.QueryTimeout == 0 {
		c.QueryTimeout = DefaultQueryTimeout
	}
	if c.DisplayName == "" {
		c.DisplayName = DefaultDisplayName
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	return c
}

// authRequired reports whether requests must carry credentials.
func (c Config) authRequired() bool { return c.Username != "" || c.Password != "" }
