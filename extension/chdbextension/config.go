package chdbextension

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
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
	// CredentialsDir holds the generated passwords of kaizen_reader and
	// kaizen_writer (default <path>/credentials).
	CredentialsDir string `mapstructure:"credentials_dir"`
	// ReaderPassword and WriterPassword, when set, replace the generated
	// passwords; set but empty (an unset variable) is an error.
	ReaderPassword *configopaque.String `mapstructure:"reader_password"`
	WriterPassword *configopaque.String `mapstructure:"writer_password"`
	// AllowedOrigins are browser origins whose requests are served
	// (default none: requests with an Origin header are refused).
	AllowedOrigins []string `mapstructure:"allowed_origins"`
	// AllowedHosts are extra Host names accepted besides the bound address.
	AllowedHosts []string `mapstructure:"allowed_hosts"`
	// MaxRequestBytes bounds a request body after decompression
	// (default 256 MiB).
	MaxRequestBytes int64 `mapstructure:"max_request_bytes"`
	// MaxStagedBytes bounds INSERT data waiting for the engine across
	// requests (default 1 GiB).
	MaxStagedBytes int64 `mapstructure:"max_staged_bytes"`
	// QueryTimeout bounds every statement (ClickHouse's max_execution_time,
	// engine-wide; default 5m).
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
	for name, pw := range map[string]*configopaque.String{"reader_password": c.ReaderPassword, "writer_password": c.WriterPassword} {
		if pw != nil && *pw == "" {
			return fmt.Errorf("%s is set but empty (an unset environment variable?): remove it to use the generated password, or give it a value", name)
		}
	}
	cfg := c.serverConfig(credentials.Passwords{Reader: "validate", Writer: "validate"})
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("chdb extension: %w", err)
	}
	return nil
}

// credentialsDir is where the generated passwords live.
func (c *Config) credentialsDir() string {
	if c.CredentialsDir != "" {
		return c.CredentialsDir
	}
	return credentials.Dir(c.Path)
}

// serverConfig converts the configuration for chserver, with generated
// passwords where none are configured.
func (c *Config) serverConfig(generated credentials.Passwords) chserver.Config {
	reader, writer := generated.Reader, generated.Writer
	if c.ReaderPassword != nil {
		reader = string(*c.ReaderPassword)
	}
	if c.WriterPassword != nil {
		writer = string(*c.WriterPassword)
	}
	return chserver.Config{
		Endpoint: c.Endpoint,
		Path:     c.Path,
		Users: []chserver.User{
			{Name: credentials.ReaderUser, Password: reader, Role: chserver.RoleReader},
			{Name: credentials.WriterUser, Password: writer, Role: chserver.RoleWriter},
		},
		AllowedOrigins:  c.AllowedOrigins,
		AllowedHosts:    c.AllowedHosts,
		MaxRequestBytes: c.MaxRequestBytes,
		MaxStagedBytes:  c.MaxStagedBytes,
		QueryTimeout:    c.QueryTimeout,
		MaxConnections:  c.MaxConnections,
	}
}
