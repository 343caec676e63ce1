package chserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ClickHouse/ch-go/compress"
	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// protocolError marks a failure that leaves the connection out of step
// with the client (a malformed or unexpected packet, a read error): the
// session sends it as an exception and closes. Other errors of a query are
// sent as its exception and the connection serves the next query.
type protocolError struct{ err error }

func (e protocolError) Error() string { return e.err.Error() }
func (e protocolError) Unwrap() error { return e.err }

// compressChunk is how much block data goes into one compressed frame
// (ClickHouse's max_compress_block_size).
const compressChunk = 1 << 20

// tcpQuery is one Query packet being served.
type tcpQuery struct {
	start    time.Time
	body     []byte
	st       statement
	prefix   string // "USE <database>;\n"
	settings []string
	params   map[string]string
}

// query serves a Query packet: it reads the query and the client's
// (empty) external-tables block, runs the statement and answers with
// Data packets, Progress and EndOfStream, or an Exception. Only protocol
// errors are returned.
func (ss *session) query() error {
	q, err := readQuery(ss.r, ss.revision, uint64(ss.srv.cfg.MaxRequestBytes))
	if errors.Is(err, errBlockTooLarge) {
		return protocolError{errBodyTooLarge(ss.srv.cfg.MaxRequestBytes)}
	}
	if err != nil {
		return protocolError{newException(codeUnexpectedPacket, http.StatusBadRequest, "malformed Query packet: %v", err)}
	}
	values := url.Values{}
	for _, s := range q.Settings {
		v := s.Value
		if s.Custom {
			v = unquoteField(v)
		}
		values.Set(s.Key, v)
	}
	for _, p := range q.Parameters {
		values.Set("param_"+p.Key, unquoteField(p.Value))
	}
	ss.compressor = nil
	if q.Compression == chproto.CompressionEnabled {
		ss.compressor = ss.writer(compressMethod(values.Get("network_compression_method")))
	}
	if err := ss.readExternalTables(); err != nil {
		return err
	}
	tq := &tcpQuery{start: time.Now(), body: []byte(q.Body), prefix: "USE " + quoteIdent(ss.database) + ";\n"}
	err = ss.runQuery(tq, values)
	var pe protocolError
	if errors.As(err, &pe) {
		return err
	}
	if err != nil {
		ex := fromError(err)
		ss.srv.logger.Debug("chserver: native query failed", zap.String("query_id", q.ID), zap.Int("code", ex.code), zap.Duration("elapsed", time.Since(tq.start)))
		ss.out.Reset()
		ss.writeException(err)
	}
	return ss.flush()
}

// readExternalTables reads the Data packets the client sends after a query
// up to the empty one that ends them. External tables are not supported.
func (ss *session) readExternalTables() error {
	cols, _, _, name, err := ss.readData(io.Discard, maxExternalBytes)
	if err != nil {
		return err
	}
	if cols == 0 {
		return nil
	}
	return protocolError{newException(codeNotImplemented, http.StatusBadRequest,
		"external tables (here %q) are not supported by the embedded ClickHouse native protocol", name)}
}

// maxExternalBytes bounds what is read of a (refused) external table.
const maxExternalBytes = 1 << 20

// readData reads one client Data packet, packet code included, and writes
// its block to w as revision-0 Native, at most limit bytes (more is
// LIMIT_EXCEEDED, reported against max_request_bytes). It returns the
// block's column and row counts, the bytes written and its table name.
// Cancel and any other packet are protocol errors.
func (ss *session) readData(w io.Writer, limit uint64) (cols, rows, written uint64, name string, err error) {
	fail := func(err error) (uint64, uint64, uint64, string, error) { return 0, 0, 0, "", protocolError{err} }
	_ = ss.nc.SetReadDeadline(time.Now().Add(tcpReceiveTimeout))
	code, err := ss.r.UVarInt()
	if err != nil {
		return fail(err)
	}
	switch chproto.ClientCode(code) {
	case chproto.ClientCodeData:
	case chproto.ClientCodeCancel:
		return fail(newException(codeAborted, http.StatusBadRequest, "query cancelled by the client"))
	default:
		return fail(newException(codeUnexpectedPacket, http.StatusBadRequest, "unexpected packet %d from client: expected Data", code))
	}
	if name, err = readBoundedStr(ss.r, maxShortString); err != nil {
		return fail(newException(codeUnexpectedPacket, http.StatusBadRequest, "malformed Data packet: table name: %v", err))
	}
	r := ss.r
	if ss.compressor != nil {
		r = ss.blockReader(limit)
	}
	cols, rows, written, err = convertBlock(r, ss.revision, w, limit)
	var corrupted *compress.CorruptedDataErr
	switch {
	case err == nil:
		return cols, rows, written, name, nil
	case errors.Is(err, errBlockTooLarge):
		return fail(errBodyTooLarge(ss.srv.cfg.MaxRequestBytes))
	case errors.Is(err, errConvertWrite):
		return fail(newException(codeUnknownException, http.StatusInternalServerError, "stage insert data: %v", err))
	case errors.As(err, &corrupted), errors.Is(err, errNativeBlock):
		return fail(newException(codeCannotDecompress, http.StatusBadRequest, "cannot decompress a Data packet: %v", err))
	}
	return fail(newException(codeIncorrectData, http.StatusBadRequest, "%v", err))
}

// runQuery runs the statement and writes its answer (not yet flushed).
func (ss *session) runQuery(tq *tcpQuery, values url.Values) error {
	var err error
	if tq.params, tq.settings, err = settingsFrom(values, ss.srv.cfg.QueryTimeout); err != nil {
		return err
	}
	if tq.st, err = analyze(tq.body); err != nil {
		return newException(codeSyntaxError, http.StatusBadRequest, "%s", err.Error())
	}
	st := tq.st
	switch {
	case st.kind == kindSession:
		return newException(codeNotImplemented, http.StatusBadRequest,
			"%s is not supported: the embedded engine has one session shared by every client; pass settings with the query (clickhouse.WithSettings) or in the DSN, and the database in the DSN", st.keyword)
	case st.kind == kindInsert:
		if body, ok := clientDataInsert(tq.body, st); ok {
			tq.body = body
			if tq.st, err = analyze(body); err != nil {
				return newException(codeSyntaxError, http.StatusBadRequest, "%s", err.Error())
			}
			return ss.insert(tq)
		}
	case st.format != "":
		return newException(codeNotImplemented, http.StatusBadRequest,
			"FORMAT %s is not supported over the native protocol, which always answers with Native blocks: remove the FORMAT clause, or use the HTTP interface for other formats", st.format)
	}
	ctx, cancel := ss.queryContext()
	defer cancel()
	res, err := runStatement(ctx, ss.srv.conn, tq.body, st, tq.settings, tq.params, tq.prefix, "Native")
	if err != nil {
		return err
	}
	if st.kind == kindQuery || len(res.Data) > 0 {
		if err := ss.writeResult(ctx, tq, res.Data); err != nil {
			return err
		}
	}
	ss.writeEnd(tq, res)
	return nil
}

// queryContext bounds the wait for the engine (the statement itself is
// bounded by max_execution_time).
func (ss *session) queryContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), ss.srv.cfg.QueryTimeout+time.Minute)
}

// writeResult sends the engine's Native output as a header block and one
// Data packet per block, in the client's revision. An empty result still
// has a header: the column names and types come from running the query
// again in JSONCompact, whose metadata is there without rows.
func (ss *session) writeResult(ctx context.Context, tq *tcpQuery, data []byte) error {
	if len(data) == 0 {
		full := append([]byte(tq.prefix), withSettings(tq.body, tq.st, tq.settings)...)
		res, err := ss.srv.conn.QueryParams(ctx, full, "JSONCompact", tq.params)
		if err != nil {
			return err
		}
		cols, err := parseMeta(res.Data)
		if err != nil {
			return newException(codeUnknownException, http.StatusInternalServerError, "%v", err)
		}
		return ss.writeData(func(b *chproto.Buffer) error { encodeHeader(b, cols, ss.revision); return nil })
	}
	first := true
	err := eachNativeBlock(data, func(block *proto.Block) error {
		if first {
			first = false
			if err := ss.writeData(func(b *chproto.Buffer) error { encodeHeader(b, blockMeta(block), ss.revision); return nil }); err != nil {
				return err
			}
		}
		return ss.writeData(func(b *chproto.Buffer) error { return block.Encode(b, ss.revision) })
	})
	if err != nil {
		var pe protocolError
		if errors.As(err, &pe) {
			return err
		}
		return newException(codeUnknownException, http.StatusInternalServerError, "re-frame Native output for protocol revision %d: %v", ss.revision, err)
	}
	return nil
}

// writeData sends one Data packet whose block encode writes, compressed
// when the query asked for it. Packets are flushed one by one, so a large
// result never sits whole in the output buffer twice.
func (ss *session) writeData(encode func(*chproto.Buffer) error) error {
	chproto.ServerCodeData.Encode(&ss.out)
	ss.out.PutString("") // external table name
	if ss.compressor == nil {
		if err := encode(&ss.out); err != nil {
			return err
		}
		return ss.flushProtocol()
	}
	var raw chproto.Buffer
	if err := encode(&raw); err != nil {
		return err
	}
	for chunk := range slices.Chunk(raw.Buf, compressChunk) {
		if err := ss.compressor.Compress(chunk); err != nil {
			return fmt.Errorf("compress result block: %w", err)
		}
		ss.out.PutRaw(ss.compressor.Data)
	}
	return ss.flushProtocol()
}

// flushProtocol flushes, marking a failure as a protocol error (the
// client is gone or not reading).
func (ss *session) flushProtocol() error {
	if err := ss.flush(); err != nil {
		return protocolError{err}
	}
	return nil
}

// writeEnd appends the query's Progress and EndOfStream packets.
func (ss *session) writeEnd(tq *tcpQuery, res *chdb.Result) {
	chproto.ServerCodeProgress.Encode(&ss.out)
	chproto.Progress{
		Rows: res.RowsRead, Bytes: res.BytesRead, TotalRows: res.RowsRead,
		WroteRows: res.RowsWritten, WroteBytes: res.BytesWritten,
		ElapsedNs: uint64(time.Since(tq.start).Nanoseconds()),
	}.EncodeAware(&ss.out, int(ss.revision))
	chproto.ServerCodeEndOfStream.Encode(&ss.out)
}

// writer returns the session's compressor for method, made once per
// method: an LZ4 compressor holds 136 KiB of tables and a ZSTD encoder
// more, too much to build for every query.
func (ss *session) writer(method compress.Method) *compress.Writer {
	if ss.writers[method] == nil {
		ss.writers[method] = compress.NewWriter(compress.LevelZero, method)
	}
	return ss.writers[method]
}

// compressMethod maps network_compression_method to the method of the
// server's Data packets (LZ4 by default, as in ClickHouse).
func compressMethod(name string) compress.Method {
	switch strings.ToLower(name) {
	case "zstd":
		return compress.ZSTD
	case "lz4hc":
		return compress.LZ4HC
	case "none":
		return compress.None
	}
	return compress.LZ4
}

// unquoteField restores the value of a quoted field dump ('text', with
// backslash escapes: how clickhouse-go sends parameters and custom
// settings), as ClickHouse's Field::restoreFromDump does; other values
// pass unchanged. Parameters are then read in ClickHouse's escaped text
// form, as param_<name> values are over HTTP.
func unquoteField(v string) string {
	if len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return v
	}
	in := v[1 : len(v)-1]
	if !strings.ContainsRune(in, '\\') {
		return in
	}
	var b strings.Builder
	b.Grow(len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' || i+1 == len(in) {
			b.WriteByte(c)
			continue
		}
		i++
		switch in[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		default:
			b.WriteByte(in[i]) // \\, \', and any other escaped character
		}
	}
	return b.String()
}
