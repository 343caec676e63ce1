package schema

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// DB is the part of a clickhouse-go connection Migrate needs; a
// clickhouse.Conn (driver.Conn) satisfies it.
type DB interface {
	Exec(ctx context.Context, query string, args ...any) error
	QueryRow(ctx context.Context, query string, args ...any) driver.Row
}

// ErrNewerSchema is returned (wrapped) when the database was migrated by a
// newer Kaizen than this binary: nothing is changed.
var ErrNewerSchema = errors.New("database schema is newer than this binary")

// Result reports what Migrate did.
type Result struct {
	// From and To are the schema versions before and after.
	From, To int
	// Applied lists the versions applied by this call.
	Applied []int
	// Repaired lists the tables and views this call recreated because the
	// database had lost them (see Repair).
	Repaired []string
}

// Version returns the schema version recorded in the database, 0 when the
// database or its schema_migrations table does not exist yet.
func Version(ctx context.Context, db DB, o Options) (int, error) {
	o = o.withDefaults()
	var exists uint8
	pctx := withParams(ctx, map[string]string{"db": o.Database, "table": TableMigrations})
	if err := db.QueryRow(pctx, "SELECT count() > 0 FROM system.tables WHERE database = {db:String} AND name = {table:String}").Scan(&exists); err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", o.Database, err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v uint32
	q := fmt.Sprintf("SELECT max(Version) FROM %s", o.qualified(TableMigrations))
	if err := db.QueryRow(ctx, q).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", o.Database, err)
	}
	return int(v), nil
}

// Migrate brings the database to the latest schema version, applying each
// missing migration in order and recording it in schema_migrations, then
// checks the result with Repair: lost tables are recreated, mismatched
// columns are a *MismatchError. It is safe to run on every start.
func Migrate(ctx context.Context, db DB, o Options) (Result, error) {
	return MigrateTo(ctx, db, o, Latest())
}

// MigrateTo applies the migrations up to and including version target.
func MigrateTo(ctx context.Context, db DB, o Options, target int) (Result, error) {
	if target < 1 || target > Latest() {
		return Result{}, fmt.Errorf("migrate to version %d: versions are 1 to %d", target, Latest())
	}
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return Result{}, fmt.Errorf("schema options: %w", err)
	}
	boot, err := bootstrap(o)
	if err != nil {
		return Result{}, err
	}
	for _, s := range boot {
		if err := db.Exec(ctx, s); err != nil {
			return Result{}, fmt.Errorf("create schema_migrations in %s: %w", o.Database, err)
		}
	}
	from, err := Version(ctx, db, o)
	if err != nil {
		return Result{}, err
	}
	res := Result{From: from, To: from}
	if from > Latest() {
		return res, fmt.Errorf("%w: database %s is at version %d, this binary knows up to %d; upgrade Kaizen", ErrNewerSchema, o.Database, from, Latest())
	}
	by := appliedBy()
	for _, m := range Migrations {
		if m.Version <= from || m.Version > target {
			continue
		}
		stmts, err := m.statements(o)
		if err != nil {
			return res, fmt.Errorf("render migration %d: %w", m.Version, err)
		}
		for _, s := range stmts {
			if err := db.Exec(ctx, s); err != nil {
				return res, fmt.Errorf("apply migration %d (%s) to %s: %w", m.Version, m.Name, o.Database, err)
			}
		}
		record := fmt.Sprintf("INSERT INTO %s (Version, Name, AppliedAt, AppliedBy) SELECT {v:UInt32}, {name:String}, {at:DateTime64(3)}, {by:String}", o.qualified(TableMigrations))
		rctx := withParams(ctx, map[string]string{
			"v": strconv.Itoa(m.Version), "name": m.Name,
			"at": time.Now().UTC().Format("2006-01-02 15:04:05.000"), "by": by,
		})
		if err := db.Exec(rctx, record); err != nil {
			return res, fmt.Errorf("record migration %d in %s: %w", m.Version, o.Database, err)
		}
		res.Applied = append(res.Applied, m.Version)
		res.To = m.Version
	}
	// The recorded version says what should exist, not what does: a table
	// dropped by hand must not keep the writer from starting.
	if res.Repaired, err = Repair(ctx, db, o, res.To); err != nil {
		return res, fmt.Errorf("check schema of %s: %w", o.Database, err)
	}
	return res, nil
}

// appliedBy names the binary recording a migration.
func appliedBy() string {
	exe, err := os.Executable()
	if err != nil {
		return "kaizen"
	}
	return filepath.Base(exe)
}
