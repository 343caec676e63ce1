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
	// DefaultMaxStagedBytes bounds the INSERT data staged in memory files
	// for the engine at once, across requests.
	DefaultMaxStagedBytes int64 = 1 << 30
)

// Config configures the HTTP interface.
type Config struct {
	// Endpoint is the host:port to listen on; DefaultEndpoint when empty.
	// Port 0 picks a free port (see Server.Addr).
	Endpoint string
	// Path is the data directory of the store Start opens; empty opens a
	// temporary in-memory store.
	Path string
	// Users are the accounts a query request must authenticate as; at
	// least one is required, so the store serves nobody without
	// credentials.
	Users []User
	// AllowedOrigins are the browser origins ("http://localhost:3000")
	// whose requests are served; a request with any other Origin header is
	// refused, which keeps web pages out (CSRF). Empty allows none.
	AllowedOrigins []string
	// AllowedHosts are extra Host header names accepted besides the bound
	// address (and localhost names when it is loopback), which defeats DNS
	// rebinding. A wildcard bind (0.0.0.0) accepts any Host unless set.
	AllowedHosts []string
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
	// MaxStagedBytes bounds the INSERT data staged for the engine at once
	// (memory files); an INSERT over it gets code 202 and HTTP 503 so
	// clients retry. DefaultMaxStagedBytes when 0.
	MaxStagedBytes int64
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
	if err := validateUsers(c.Users); err != nil {
		return err
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
	if c.MaxStagedBytes < 0 {
		return fmt.Errorf("max_staged_bytes %d: must not be negative", c.MaxStagedBytes)
	}
	if c.MaxConnections < 0 {
		return fmt.Errorf("max_connections %d: must not be negative", c.MaxConnections)
	}
	return nil
}

// validateUsers requires at least one user, each named, with a password and
// a role, and names that are unique.
func validateUsers(users []User) error {
	if len(users) == 0 {
		return errors.New("users: none configured; the embedded store serves nobody without credentials")
	}
	seen := map[string]bool{}
	for i, u := range users {
		switch {
		case u.Name == "":
			return fmt.Errorf("users[%d]: empty name", i)
		case u.Password == "":
			return fmt.Errorf("user %q: empty password (an unset environment variable?)", u.Name)
		case u.Role != RoleReader && u.Role != RoleWriter:
			return fmt.Errorf("user %q: role %v: want reader or writer", u.Name, u.Role)
		case seen[u.Name]:
			return fmt.Errorf("user %q is configured twice", u.Name)
		}
		seen[u.Name] = true
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
	if c.MaxStagedBytes == 0 {
		c.MaxStagedBytes = DefaultMaxStagedBytes
	}
	return c
}
