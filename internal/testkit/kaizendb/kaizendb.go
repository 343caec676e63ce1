// Package kaizendb gives tests a fresh database on the shared embedded
// ClickHouse (internal/testkit/chtest) with Kaizen's schema migrated into it.
// It lives apart from chtest because the schema package's own tests use chtest.
package kaizendb

import (
	"context"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kaizenhq/kaizen/internal/domain/schema"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// New creates a migrated database and returns its name and a writer
// connection to it, closed when the test ends.
func New(t testing.TB) (string, driver.Conn) {
	t.Helper()
	db := chtest.NewDatabase(t)
	conn := Open(t, chtest.DSN(db))
	if _, err := schema.Migrate(context.Background(), conn, schema.Options{Database: db}); err != nil {
		t.Fatalf("migrate %s: %v", db, err)
	}
	return db, conn
}

// Open opens a clickhouse-go connection closed when the test ends.
func Open(t testing.TB, dsn string) driver.Conn {
	t.Helper()
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("parse DSN: %v", err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
