package chserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// InsertData runs insert, an "INSERT INTO … FORMAT <format>" statement
// without inline data, on conn with data as its input, in process. The data
// goes to the engine out of band (FROM INFILE over an in-memory file), as the
// HTTP handler does: libchdb's statement parser ends inline INSERT data at
// the first blank line ("\n\n"), which Native, RowBinary and even text data
// routinely contain, so appending data to the statement is not safe.
func InsertData(ctx context.Context, conn *chdb.Conn, insert string, data []byte) (*chdb.Result, error) {
	st, err := analyze([]byte(insert))
	if err != nil {
		return nil, fmt.Errorf("insert data: %w", err)
	}
	if st.kind != kindInsert || st.formatAt < 0 || st.dataAt < len(insert) {
		return nil, fmt.Errorf("insert data: want INSERT INTO … FORMAT <format> without inline data, got %.80q", insert)
	}
	return runStaged(ctx, conn, []byte(insert), st, nil, data, "", nil)
}

// runStaged stages data (within b) and runs the INSERT rewritten to read it.
func runStaged(ctx context.Context, conn *chdb.Conn, sql []byte, st statement, settings []string, data []byte, prefix string, b *budget) (*chdb.Result, error) {
	path, release, err := stageData(data, b)
	if errors.Is(err, errStagingFull) {
		return nil, errStagingBusy(b)
	}
	if err != nil {
		return nil, err
	}
	defer release()
	return runStagedFile(ctx, conn, sql, st, settings, path, prefix)
}

// runStagedFile runs the INSERT rewritten to read data staged at path.
func runStagedFile(ctx context.Context, conn *chdb.Conn, sql []byte, st statement, settings []string, path, prefix string) (*chdb.Result, error) {
	q := append([]byte(prefix), insertFromFile(sql, st, settings, path)...)
	return conn.Query(ctx, q, "")
}

// errStagingBusy is the exception for an INSERT refused because b is spent.
func errStagingBusy(b *budget) error {
	return newException(codeTooManyQueries, http.StatusServiceUnavailable,
		"INSERT data waiting for the engine already fills max_staged_bytes (%d bytes); retry when earlier INSERTs have finished", b.limit)
}
