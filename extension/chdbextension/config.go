package chdbextension

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
)

// DefaultPath is where the store lives unless configured (relative to the
// collector's working directory).
const DefaultPath = "data/chdb"

// Config is the chdb extension's configuration.
type Config struct {
	// Endpoint is the host:port of the ClickHouse HTTP interface
	// (default 127.0.0.1:8123: loopback only).
	Endpoint string `mapstructure:"endpoint"`
	// Path is the data directory the extension owns.
	Path string `mapstructure:"path"`
	// Username and Password, when set, are required from every client.
	Username string              `mapstructure:"username"`
	Password configopaque.String `mapstructure:"password"`
	// MaxRequestBytes bounds a request body after decompression
	// (default 256 MiB).
	MaxRequestBytes int64 `mapstructure:"max_request_bytes"`
	// QueryTimeout bounds each statement (ClickHouse's max_execution_time;
	// default 5m).
	QueryTimeout time.Duration `mapstructure:"query_timeout"`
	// MaxConnections bounds concurrent HTTP connections (default 256);
	// further clients wait in the listen backlog.
	MaxConnections int `mapstructure:"max_connections"`
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if c.Path == "" {
		return errors.New("path: the data directory of the embedded ClickHouse store is required")
	}
	if err := c.serverConfig().Validate(); err != nil {
		return fmt.Errorf("chdb extension: %w", err)
	}
	return nil
}

// serverConfig converts the configuration for chserver.
func (c *Config) serverConfig() chserver.Config {
	return chserver.Config{
		Endpoint:        c.Endpoint,
		Path:            c.Path,
		Username:        c.Username,
		Password:        string(c.Password),
		MaxRequestBytes: c.MaxRequestBytes,
		QueryTimeout:    c.QueryTimeout,
		MaxConnections:  c.MaxConnections,
	}
}
