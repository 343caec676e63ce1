package kaizenclickhouseexporter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
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
		return nil, fmt.Errorf("table %s.%s does not exist: set create_schema: true, or apply Kaizen's schema migrations (internal/schema) to the database", database, table)
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

// write inserts one batch of n rows given column by column, with token as
// its insert_deduplication_token. It returns the failure kind with the error.
func (w *tableWriter) write(ctx context.Context, cols []any, token string) (string, error) {
	settings := make(clickhouse.Settings, len(w.settings)+1)
	for k, v := range w.settings {
		settings[k] = v
	}
	settings["insert_deduplication_token"] = token
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(settings), clickhouse.WithColumnNamesAndTypes(w.columns))
	batch, err := w.conn.PrepareBatch(ctx, w.insert)
	if err != nil {
		return classify(fmt.Errorf("prepare insert into %s: %w", w.table, err))
	}
	defer func() { _ = batch.Close() }()
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
