package kaizenclickhouseexporter

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.opentelemetry.io/collector/consumer/consumererror"
)

// Failure kinds, as labelled in otelcol_kaizenclickhouse_insert_failures.
const (
	failureRetryable = "retryable"
	failurePermanent = "permanent"
)

// permanentCodes are ClickHouse exception codes that say the data itself
// can never be inserted; retrying such a batch cannot succeed.
var permanentCodes = map[int32]bool{
	6:   true, // CANNOT_PARSE_TEXT
	27:  true, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
	53:  true, // TYPE_MISMATCH
	117: true, // INCORRECT_DATA
}

// tableWriter inserts batches into one table.
type tableWriter struct {
	conn    driver.Conn
	table   string // unqualified name, for metrics and tokens
	insert  string // INSERT INTO `db`.`table` (columns…)
	columns []clickhouse.ColumnNameAndType
	// settings are sent with every insert; the deduplication token is added
	// per batch.
	settings clickhouse.Settings
}

// newTableWriter reads the table's column types once (so HTTP inserts
// need no DESCRIBE round trip) and checks that every column exists.
func newTableWriter(ctx context.Context, conn driver.Conn, database, table string, names []string, settings clickhouse.Settings) (*tableWriter, error) {
	pctx := clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters{"db": database, "t": table}))
	rs, err := conn.Query(pctx, "SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String}")
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", database, table, err)
	}
	defer rs.Close()
	types := map[string]string{}
	for rs.Next() {
		var name, typ string
		if err := rs.Scan(&name, &typ); err != nil {
			return nil, fmt.Errorf("read columns of %s.%s: %w", database, table, err)
		}
		types[name] = typ
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", database, table, err)
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("table %s.%s does not exist: set create_schema: true, or apply Kaizen's schema migrations (internal/domain/schema) to the database", database, table)
	}
	w := &tableWriter{conn: conn, table: table, settings: settings}
	quoted := make([]string, len(names))
	for i, n := range names {
		typ, ok := types[n]
		if !ok {
			return nil, fmt.Errorf("table %s.%s has no column %s: the schema is older than this exporter; set create_schema: true to migrate it", database, table, n)
		}
		w.columns = append(w.columns, clickhouse.ColumnNameAndType{Name: n, Type: typ})
		quoted[i] = "`" + n + "`"
	}
	w.insert = fmt.Sprintf("INSERT INTO `%s`.`%s` (%s)", database, table, strings.Join(quoted, ", "))
	return w, nil
}

// write inserts one batch given column by column, with token as its
// insert_deduplication_token. It returns the failure kind with the error.
func (w *tableWriter) write(ctx context.Context, cols []any, token string) (string, error) {
	settings := make(clickhouse.Settings, len(w.settings)+1)
	maps.Copy(settings, w.settings)
	settings["insert_deduplication_token"] = token
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(settings), clickhouse.WithColumnNamesAndTypes(w.columns))
	batch, err := w.conn.PrepareBatch(ctx, w.insert)
	if err != nil {
		return classify(fmt.Errorf("prepare insert into %s: %w", w.table, err))
	}
	defer func() { _ = batch.Close() }()
	presizeStrings(batch, cols)
	for i, c := range cols {
		if err := batch.Column(i).Append(c); err != nil {
			_ = batch.Abort()
			return failurePermanent, consumererror.NewPermanent(fmt.Errorf("encode column %s of %s: %w", w.columns[i].Name, w.table, err))
		}
	}
	if err := batch.Send(); err != nil {
		return classify(fmt.Errorf("insert into %s: %w", w.table, err))
	}
	return "", nil
}

// presizeMinBytes is the size from which a String column's buffer is
// reserved up front (GenAI content: thousands of rows of kilobytes each).
const presizeMinBytes = 64 << 10

// presizeStrings reserves the exact data buffer of each large String column
// before its values are appended. clickhouse-go appends every value to one
// growing buffer (ch-go's ColStr) that Go reallocates again and again for a
// large column of prompts (README, "Measured"). clickhouse-go has no
// reserve call, but a column keeps its capacity across Reset: one
// row of the column's total size is appended and reset. Correctness does
// not depend on it; with a client that dropped the capacity it only costs
// one extra allocation.
func presizeStrings(batch driver.Batch, cols []any) {
	bc := batch.Columns()
	for i, c := range cols {
		values, ok := c.([]string)
		if !ok || i >= len(bc) {
			continue
		}
		col, ok := bc[i].(*column.String)
		if !ok {
			continue
		}
		n := 0
		for _, v := range values {
			n += len(v)
		}
		if n < presizeMinBytes || col.Rows() != 0 {
			continue
		}
		if err := col.AppendRow(strings.Repeat("\x00", n)); err == nil {
			col.Reset()
		}
	}
}

// classify marks errors that retrying cannot fix as permanent.
func classify(err error) (string, error) {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) && permanentCodes[ex.Code] {
		return failurePermanent, consumererror.NewPermanent(err)
	}
	return failureRetryable, err
}

// insertSettings are the settings of every insert: deduplication on (the
// token makes retries idempotent) and, for async inserts, waiting for the
// flush so that an acknowledged push is stored.
func insertSettings(async bool) clickhouse.Settings {
	s := clickhouse.Settings{"insert_deduplicate": 1}
	if async {
		s["async_insert"] = 1
		s["wait_for_async_insert"] = 1
		s["async_insert_deduplicate"] = 1
	}
	return s
}
