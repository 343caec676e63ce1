package chserver

import (
	"errors"
	"net/http"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// dataOnlyInsert reports whether query, the query URL parameter, is a
// complete INSERT … FORMAT <format> without inline data, so that the whole
// request body is the statement's data (what clickhouse-go and most
// clients send). Such a body is streamed to the staging file instead of
// being read into memory, joined to the query and copied again. A query
// ending in a line break is left to the general path, which keeps
// ClickHouse's rule that only one line break separates query and data.
func dataOnlyInsert(query string) (statement, bool) {
	if query == "" || query[len(query)-1] == '\n' || query[len(query)-1] == '\r' {
		return statement{}, false
	}
	st, err := analyze([]byte(query))
	if err != nil || st.kind != kindInsert || st.formatAt < 0 || st.dataAt != len(query) {
		return statement{}, false
	}
	return st, true
}

// insertBody runs an admitted dataOnlyInsert statement (canonical, st)
// with the request body as its data. A plain or Content-Encoded body is
// copied to the staging file in small pieces; a decompress=1 body is
// decoded block by block first.
func (h *handler) insertBody(r *http.Request, req *request, canonical []byte, st statement, settings []string, prefix string) (*chdb.Result, error) {
	limit := h.cfg.MaxRequestBytes
	if req.decompress {
		data, err := readBody(r, true, limit)
		if err != nil {
			return nil, err
		}
		return runStaged(r.Context(), h.conn, canonical, st, settings, data, prefix, h.staged)
	}
	body, enc, done, err := contentDecoder(r)
	if err != nil {
		return nil, err
	}
	defer done()
	path, release, over, err := stageReader(body, limit, h.staged)
	switch {
	case over:
		return nil, errBodyTooLarge(limit)
	case errors.Is(err, errStagingFull):
		return nil, errStagingBusy(h.staged)
	case errors.Is(err, errStageRead):
		return nil, bodyError(err, enc, false)
	case err != nil:
		return nil, newException(codeUnknownException, http.StatusInternalServerError, "%v", err)
	}
	defer release()
	return runStagedFile(r.Context(), h.conn, canonical, st, settings, path, prefix)
}
