package kaizenclickhouseexporter

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// Config configures the kaizenclickhouse exporter.
type Config struct {
	// TimeoutConfig bounds each push (key: timeout).
	TimeoutConfig exporterhelper.TimeoutConfig `mapstructure:",squash"`
	// BackOffConfig retries failed pushes (key: retry_on_failure).
	BackOffConfig configretry.BackOffConfig `mapstructure:"retry_on_failure"`
	// QueueConfig is the sending queue, with batching and an optional
	// storage extension for a persistent queue (key: sending_queue).
	QueueConfig configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`

	// Endpoint is a clickhouse-go DSN: tcp:// or clickhouse:// (native
	// protocol) or http:// or https:// (HTTP interface).
	Endpoint string `mapstructure:"endpoint"`
	// Username overrides the DSN's user.
	Username string `mapstructure:"username"`
	// Password overrides the DSN's password; it is never logged.
	Password configopaque.String `mapstructure:"password"`
	// PasswordFile names a file whose first line is the password, read at
	// start (the chdb extension's generated credentials/writer.password).
	PasswordFile string `mapstructure:"password_file"`
	// Database holds Kaizen's tables. Left at its default (kaizen), a
	// database named in the DSN's path is used instead.
	Database string `mapstructure:"database"`
	// TLS configures TLS for https:// endpoints and DSNs with secure=true.
	TLS configtls.ClientConfig `mapstructure:"tls"`
	// Compression is the wire compression: none, lz4 or zstd on every
	// protocol; gzip, deflate or br on http(s) only. Empty keeps the DSN's
	// compress parameter, else lz4 on the native protocol and none over
	// HTTP, where on the loopback embedded server compression saves no CPU
	// and costs memory (README, "Measured"); set lz4 or zstd for a remote
	// HTTP server.
	Compression string `mapstructure:"compression"`
	// TTL deletes span and call rows older than this when the schema is
	// created; 0 keeps them forever.
	TTL time.Duration `mapstructure:"ttl"`
	// ClusterName renders ON CLUSTER DDL with Distributed tables.
	ClusterName string `mapstructure:"cluster_name"`
	// TableEngine is MergeTree, ReplicatedMergeTree or SharedMergeTree; empty
	// picks MergeTree on a single node and ReplicatedMergeTree on a cluster.
	TableEngine string `mapstructure:"table_engine"`
	// CreateSchema applies internal/domain/schema migrations at start.
	CreateSchema bool `mapstructure:"create_schema"`
	// AsyncInsert uses ClickHouse asynchronous inserts (waiting for the
	// flush, so an acknowledged push is stored).
	AsyncInsert bool `mapstructure:"async_insert"`
	// MaxValueBytes truncates longer attribute values and content (with a
	// marker saying how much was cut); 0 means DefaultMaxValueBytes.
	MaxValueBytes int `mapstructure:"max_value_bytes"`
	// TracesContent says how otel_traces stores the GenAI content attributes
	// (gen_ai.system_instructions, gen_ai.input.messages,
	// gen_ai.output.messages) of spans that are also written to llm_calls:
	// "full" (the default) stores them in SpanAttributes as well, as the
	// contrib exporter would; "reference" stores a marker naming the
	// llm_calls column instead, so the content is stored (and compressed)
	// once. Other spans always keep their attributes.
	TracesContent string `mapstructure:"traces_content"`
}

// traces_content values.
const (
	TracesContentFull      = "full"
	TracesContentReference = "reference"
)

// DefaultMaxValueBytes is the default limit on one stored string value.
const DefaultMaxValueBytes = 1 << 20

// Compression names the config accepts.
const (
	compressionNone    = "none"
	compressionLZ4     = "lz4"
	compressionZSTD    = "zstd"
	compressionGZIP    = "gzip"
	compressionDeflate = "deflate"
	compressionBrotli  = "br"
)

var errNoEndpoint = errors.New("endpoint: must be set to a ClickHouse DSN such as http://127.0.0.1:8123 or tcp://clickhouse:9000")

// Validate reports every problem with the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Endpoint == "" {
		errs = append(errs, errNoEndpoint)
	} else if _, err := c.clickhouseOptions(); err != nil {
		errs = append(errs, err)
	}
	if c.PasswordFile != "" && c.Password != "" {
		errs = append(errs, errors.New("password and password_file are both set: keep one"))
	}
	if c.TTL < 0 {
		errs = append(errs, fmt.Errorf("ttl %s: must not be negative (0 keeps data forever)", c.TTL))
	}
	switch c.TracesContent {
	case "", TracesContentFull, TracesContentReference:
	default:
		errs = append(errs, fmt.Errorf("traces_content %q: want %q (store GenAI content in otel_traces too) or %q (store it once, in llm_calls)",
			c.TracesContent, TracesContentFull, TracesContentReference))
	}
	if c.MaxValueBytes < 0 {
		errs = append(errs, fmt.Errorf("max_value_bytes %d: must not be negative", c.MaxValueBytes))
	}
	if err := c.schemaOptions().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("schema: %w", err))
	}
	return errors.Join(errs...)
}

// protocolOf returns the clickhouse-go protocol a DSN scheme selects.
func protocolOf(scheme string) (clickhouse.Protocol, error) {
	switch scheme {
	case "tcp", "clickhouse":
		return clickhouse.Native, nil
	case "http", "https":
		return clickhouse.HTTP, nil
	}
	return 0, fmt.Errorf("scheme %q: want tcp://, clickhouse://, http:// or https://", scheme)
}

// compressionMethods lists the methods each protocol supports.
var compressionMethods = map[clickhouse.Protocol]map[string]clickhouse.CompressionMethod{
	clickhouse.Native: {
		compressionNone: clickhouse.CompressionNone, compressionLZ4: clickhouse.CompressionLZ4,
		compressionZSTD: clickhouse.CompressionZSTD,
	},
	clickhouse.HTTP: {
		compressionNone: clickhouse.CompressionNone, compressionLZ4: clickhouse.CompressionLZ4,
		compressionZSTD: clickhouse.CompressionZSTD, compressionGZIP: clickhouse.CompressionGZIP,
		compressionDeflate: clickhouse.CompressionDeflate, compressionBrotli: clickhouse.CompressionBrotli,
	},
}

// clickhouseOptions parses the endpoint and applies the config's overrides.
// Errors name the endpoint with its password removed.
func (c *Config) clickhouseOptions() (*clickhouse.Options, error) {
	shown := redactDSN(c.Endpoint)
	u, err := url.Parse(c.Endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q: not a DSN of the form scheme://host:port[/database][?params]", shown)
	}
	proto, err := protocolOf(u.Scheme)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", shown, err)
	}
	q := u.Query()
	if u.Scheme == "https" && !q.Has("secure") {
		q.Set("secure", "true")
		u.RawQuery = q.Encode()
	}
	opt, err := clickhouse.ParseDSN(u.String())
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %s", shown, scrub(err.Error(), c.Endpoint, string(c.Password)))
	}
	if c.Username != "" {
		opt.Auth.Username = c.Username
	}
	if c.Password != "" {
		opt.Auth.Password = string(c.Password)
	}
	if c.Compression != "" {
		m, ok := compressionMethods[proto][c.Compression]
		if !ok {
			return nil, fmt.Errorf("compression %q: want one of %s for %s endpoints", c.Compression, methodNames(proto), u.Scheme)
		}
		opt.Compression = &clickhouse.Compression{Method: m}
	} else if opt.Compression == nil && proto == clickhouse.Native {
		opt.Compression = &clickhouse.Compression{Method: clickhouse.CompressionLZ4}
	}
	return opt, nil
}

// methodNames lists a protocol's compression names in a fixed order.
func methodNames(p clickhouse.Protocol) string {
	var names []string
	for _, n := range []string{compressionNone, compressionLZ4, compressionZSTD, compressionGZIP, compressionDeflate, compressionBrotli} {
		if _, ok := compressionMethods[p][n]; ok {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// database returns the database the exporter writes: the database option,
// or, when that is left at its default, the database in the DSN's path.
func (c *Config) database() string {
	if c.Database != "" && c.Database != schema.DefaultDatabase {
		return c.Database
	}
	if u, err := url.Parse(c.Endpoint); err == nil {
		if db := strings.Trim(u.Path, "/"); db != "" && db != "default" {
			return db
		}
	}
	return schema.DefaultDatabase
}

// schemaOptions maps the config onto internal/domain/schema's options.
func (c *Config) schemaOptions() schema.Options {
	return schema.Options{
		Database: c.database(),
		TTL:      c.TTL,
		Cluster:  c.ClusterName,
		Engine:   schema.Engine(c.TableEngine),
	}
}

// maxValueBytes returns the effective value limit.
func (c *Config) maxValueBytes() int {
	if c.MaxValueBytes == 0 {
		return DefaultMaxValueBytes
	}
	return c.MaxValueBytes
}

// redactDSN returns dsn with the password in its user info and any
// password parameter replaced, for error messages and logs.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Opaque != "" || (u.User == nil && strings.Contains(dsn, "@")) {
		// Unparsable, or an "@" outside user info: hide everything before
		// the last "@" (over-redacting is safe).
		if i := strings.LastIndex(dsn, "@"); i >= 0 {
			start := 0
			if j := strings.Index(dsn, "://"); j >= 0 && j < i {
				start = j + 3
			}
			return dsn[:start] + "xxxxx" + dsn[i:]
		}
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// scrub removes secrets from text: the raw endpoint (which may carry a
// password) and the password itself.
func scrub(text, endpoint, password string) string {
	if endpoint != "" {
		text = strings.ReplaceAll(text, endpoint, redactDSN(endpoint))
	}
	if password != "" {
		text = strings.ReplaceAll(text, password, "xxxxx")
	}
	if u, err := url.Parse(endpoint); err == nil {
		if p, ok := u.User.Password(); ok && p != "" {
			text = strings.ReplaceAll(text, p, "xxxxx")
		}
	}
	return text
}
