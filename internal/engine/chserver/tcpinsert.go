package chserver

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"strings"

	chproto "github.com/ClickHouse/ch-go/proto"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// stageBuffer buffers the converted INSERT data on its way to the staging
// file.
const stageBuffer = 256 << 10

// clientDataInsert returns an INSERT that takes its data from the client's
// Data packets — "… FORMAT <any>" (clickhouse-go) or "… VALUES" (ch-go)
// with nothing after — rewritten to "… FORMAT Native", the form the
// staged blocks are in; ok is false for INSERTs with inline data or a
// SELECT.
func clientDataInsert(sql []byte, st statement) (_ []byte, ok bool) {
	at := -1
	if st.formatAt >= 0 {
		if st.dataAt == len(sql) {
			at = st.formatAt
		}
	} else {
		l := &lexer{s: sql}
		for tok, more := l.next(); more && tok.word != "SELECT" && tok.word != "WITH"; tok, more = l.next() {
			if tok.word == "VALUES" {
				if len(bytes.TrimSpace(sql[tok.end:])) == 0 {
					at = tok.start
				}
				break
			}
		}
	}
	if at < 0 {
		return nil, false
	}
	return append(bytes.Clone(sql[:at]), "FORMAT Native"...), true
}

// insert serves "INSERT INTO t [(columns)] [SETTINGS …] FORMAT Native"
// (see clientDataInsert), as ClickHouse does over the native protocol: it
// sends the table structure (the columns the client must fill), reads the
// client's Data packets up to an empty block, converts them to the
// engine's revision-0 Native into the staging file and runs the INSERT
// on it (InsertData's path). Data beyond Config.MaxRequestBytes is
// LIMIT_EXCEEDED and closes the connection, as do malformed blocks.
func (ss *session) insert(tq *tcpQuery) error {
	table, columns, err := insertTarget(tq.body, tq.st)
	if err != nil {
		return err
	}
	ctx, cancel := ss.queryContext()
	defer cancel()
	probe := tq.prefix + "SELECT " + columns + " FROM " + table + " LIMIT 0"
	res, err := ss.srv.conn.QueryString(ctx, probe, "JSONCompact")
	if err != nil {
		return err
	}
	cols, err := parseMeta(res.Data)
	if err != nil {
		return newException(codeUnknownException, http.StatusInternalServerError, "%v", err)
	}
	f, path, release, err := newStageFile()
	if err != nil {
		return err
	}
	defer release()
	if err := ss.writeData(func(b *chproto.Buffer) error { encodeHeader(b, cols, ss.revision); return nil }); err != nil {
		return err
	}
	// Each block streams to the staging file as it arrives: memory holds a
	// buffer, never a block or the whole INSERT.
	limit := uint64(ss.srv.cfg.MaxRequestBytes)
	var staged uint64
	bw := bufio.NewWriterSize(f, stageBuffer)
	for {
		cols, _, written, _, err := ss.readData(bw, limit-staged)
		if err != nil {
			return err
		}
		if cols == 0 {
			break
		}
		staged += written
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("stage insert data in %s: %w", path, err)
	}
	if err := finishStageFile(f); err != nil {
		return fmt.Errorf("stage insert data in %s: %w", path, err)
	}
	res = &chdb.Result{}
	if staged > 0 {
		if res, err = runStagedFile(ctx, ss.srv.conn, tq.body, tq.st, tq.settings, path, tq.prefix); err != nil {
			return err
		}
	}
	ss.writeEnd(tq, res)
	return nil
}

// insertTarget returns the table and the column list ("*" when none) of an
// INSERT … FORMAT statement, as SQL text.
func insertTarget(sql []byte, st statement) (table, columns string, err error) {
	end := st.formatAt
	if st.settingsKw >= 0 && st.settingsKw < end {
		end = st.settingsKw
	}
	head := sql[:end]
	l := &lexer{s: head}
	start, paren := -1, -1
	for {
		tok, ok := l.next()
		if !ok {
			break
		}
		switch {
		case start < 0 && tok.word == "INTO":
			start = tok.end
			if next, ok := (&lexer{s: head, i: tok.end}).next(); ok && next.word == "TABLE" {
				start = next.end
			}
		case start < 0:
		case tok.word == "FUNCTION" && strings.TrimSpace(string(head[start:tok.start])) == "":
			return "", "", newException(codeNotImplemented, http.StatusBadRequest,
				"INSERT INTO FUNCTION is not supported over the embedded native protocol; use the HTTP interface")
		case tok.punct == '(' && paren < 0:
			paren = tok.start
		}
	}
	if start < 0 {
		return "", "", newException(codeSyntaxError, http.StatusBadRequest, "INSERT without INTO: %.80q", sql)
	}
	if paren < 0 {
		table = strings.TrimSpace(string(head[start:]))
		return table, "*", checkTable(table, sql)
	}
	table = strings.TrimSpace(string(head[start:paren]))
	cols := strings.TrimSpace(string(head[paren+1:]))
	cols, ok := strings.CutSuffix(cols, ")")
	if !ok || strings.TrimSpace(cols) == "" {
		return "", "", newException(codeSyntaxError, http.StatusBadRequest, "INSERT column list is not closed or empty: %.80q", sql)
	}
	return table, cols, checkTable(table, sql)
}

func checkTable(table string, sql []byte) error {
	if table == "" {
		return newException(codeSyntaxError, http.StatusBadRequest, "INSERT without a table name: %.80q", sql)
	}
	return nil
}
