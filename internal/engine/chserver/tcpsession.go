package chserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ClickHouse/ch-go/compress"
	chproto "github.com/ClickHouse/ch-go/proto"
	"go.uber.org/zap"
)

// Protocol revisions. The server speaks revision 54460 (what clickhouse-go
// v2.51 and the HTTP interface's client_protocol_version use) and
// negotiates down to the client's; below 54429 settings are not sent as
// strings, which this server does not decode.
const (
	tcpRevision    = 54460
	tcpMinRevision = 54429
	revAddendum    = 54458 // the client sends a quota key after the hello
)

// Engine version reported in the server hello (the chDB library's
// ClickHouse version).
const (
	tcpVersionMajor = 26
	tcpVersionMinor = 7
	tcpVersionPatch = 3
)

// maxShortString bounds every string of the hello and addendum (read
// before authentication, so a hostile length must not allocate) and every
// name or short value of later packets: query ids, settings, parameters,
// table and column names and types.
const maxShortString = 64 << 10

// session is one native-protocol connection.
type session struct {
	srv *TCPServer
	nc  net.Conn
	r   *chproto.Reader
	out chproto.Buffer
	// idle is guarded by srv.mu: true while waiting for a query.
	idle bool

	revision uint64
	database string
	// compressor compresses Data packets of the current query; nil when
	// the client did not ask for compression. It is one of writers, the
	// session's compressors by method (see session.writer).
	compressor *compress.Writer
	writers    [compress.NumMethods]*compress.Writer
	// frames and decompressed read the client's compressed Data blocks
	// (see compressedBlocks); nil until the first one.
	frames       *frameGuard
	decompressed *chproto.Reader
}

func newSession(srv *TCPServer, nc net.Conn) *session {
	return &session{srv: srv, nc: nc, r: chproto.NewReader(nc), idle: true}
}

// serve runs the connection until the client leaves, a protocol error, or
// shutdown. It never panics on input.
func (ss *session) serve() {
	defer ss.nc.Close()
	defer func() {
		if p := recover(); p != nil {
			ss.srv.logger.Error("chserver: recovered from a panic in a native connection", zap.Any("panic", p))
			ss.fail(newException(codeUnknownException, http.StatusInternalServerError, "internal error: %v", p))
		}
	}()
	if err := ss.handshake(); err != nil {
		ss.fail(err)
		return
	}
	for {
		if !ss.srv.setIdle(ss, true) {
			return
		}
		_ = ss.nc.SetReadDeadline(time.Now().Add(tcpIdleTimeout))
		code, err := ss.r.UVarInt()
		if err != nil {
			return // the client left, or was idle too long, or shutdown closed it
		}
		ss.srv.setIdle(ss, false)
		_ = ss.nc.SetReadDeadline(time.Now().Add(tcpReceiveTimeout))
		switch chproto.ClientCode(code) {
		case chproto.ClientCodePing:
			chproto.ServerCodePong.Encode(&ss.out)
			err = ss.flush()
		case chproto.ClientCodeCancel:
			// Nothing is running: ClickHouse ignores it too.
		case chproto.ClientCodeQuery:
			err = ss.query()
		case chproto.ClientCodeHello:
			err = newException(codeUnexpectedPacket, http.StatusBadRequest, "unexpected Hello packet: the handshake is already done")
		default:
			err = newException(codeUnknownPacket, http.StatusBadRequest, "unknown packet %d from client", code)
		}
		if err != nil {
			ss.fail(err)
			return
		}
	}
}

// fail sends err as an Exception packet, if the connection still works.
// Every caller closes the connection next.
func (ss *session) fail(err error) {
	var ne net.Error
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.As(err, &ne) {
		return
	}
	ss.srv.logger.Debug("chserver: native connection closed on error", zap.Error(err))
	ss.out.Reset()
	ss.writeException(err)
	if ss.flush() == nil {
		ss.drain()
	}
}

// drain lets a client that is still sending (the rest of an INSERT over
// the limit) finish and read the exception: it closes the write side and
// discards input for a moment. Closing with unread input instead would
// reset the connection, and the client would see the reset, not the
// exception.
func (ss *session) drain() {
	if hc, ok := ss.nc.(interface{ CloseWrite() error }); ok {
		_ = hc.CloseWrite()
	}
	_ = ss.nc.SetReadDeadline(time.Now().Add(tcpDrainTimeout))
	_, _ = io.Copy(io.Discard, io.LimitReader(ss.nc, maxDrainBytes))
}

// handshake reads the client hello and addendum, authenticates and answers
// with the server hello.
func (ss *session) handshake() error {
	_ = ss.nc.SetDeadline(time.Now().Add(tcpHandshakeTimeout))
	defer ss.nc.SetDeadline(time.Time{})
	code, err := ss.r.UVarInt()
	if err != nil {
		return err
	}
	if chproto.ClientCode(code) != chproto.ClientCodeHello {
		return newException(codeUnexpectedPacket, http.StatusBadRequest,
			"unexpected packet %d from client: expected Hello (is this an HTTP client? the HTTP interface is on another port)", code)
	}
	hello, err := readHello(ss.r)
	if err != nil {
		return newException(codeUnexpectedPacket, http.StatusBadRequest, "malformed Hello packet: %v", err)
	}
	if hello.ProtocolVersion < tcpMinRevision {
		return newException(codeClientRevision, http.StatusBadRequest,
			"client protocol revision %d is too old: this server needs %d or newer", hello.ProtocolVersion, tcpMinRevision)
	}
	if ss.srv.auth.required {
		if err := ss.srv.auth.checkUser(hello.User, hello.Password); err != nil {
			return err
		}
	}
	ss.revision = min(uint64(hello.ProtocolVersion), tcpRevision)
	ss.database = hello.Database
	if ss.database == "" {
		ss.database = "default"
	}
	sh := chproto.ServerHello{
		Name: "ClickHouse", Major: tcpVersionMajor, Minor: tcpVersionMinor, Revision: tcpRevision,
		Timezone: "UTC", DisplayName: ss.srv.cfg.DisplayName, Patch: tcpVersionPatch,
	}
	sh.EncodeAware(&ss.out, int(ss.revision))
	if err := ss.flush(); err != nil {
		return err
	}
	if ss.revision >= revAddendum {
		if _, err := readBoundedStr(ss.r, maxShortString); err != nil { // quota key, unused
			return newException(codeUnexpectedPacket, http.StatusBadRequest, "malformed addendum after Hello: %v", err)
		}
	}
	return nil
}

// readHello decodes a ClientHello (after its packet code) with every
// string bounded, as chproto.ClientHello.Decode would without the bound.
func readHello(r *chproto.Reader) (chproto.ClientHello, error) {
	var h chproto.ClientHello
	var err error
	if h.Name, err = readBoundedStr(r, maxShortString); err != nil {
		return h, fmt.Errorf("client name: %w", err)
	}
	for _, v := range []*int{&h.Major, &h.Minor, &h.ProtocolVersion} {
		n, err := r.UVarInt()
		if err != nil {
			return h, fmt.Errorf("client version: %w", err)
		}
		if n > 1<<31 {
			return h, fmt.Errorf("client version number %d is out of range", n)
		}
		*v = int(n)
	}
	for _, s := range []struct {
		what string
		dst  *string
	}{{"database", &h.Database}, {"user", &h.User}, {"password", &h.Password}} {
		if *s.dst, err = readBoundedStr(r, maxShortString); err != nil {
			return h, fmt.Errorf("%s: %w", s.what, err)
		}
	}
	return h, nil
}

// readBoundedStr reads a length-prefixed string of at most max bytes.
func readBoundedStr(r *chproto.Reader, max int) (string, error) {
	n, err := r.UVarInt()
	if err != nil {
		return "", err
	}
	if n > uint64(max) {
		return "", fmt.Errorf("string of %d bytes exceeds the limit of %d", n, max)
	}
	buf := make([]byte, n)
	if err := r.ReadFull(buf); err != nil {
		return "", err
	}
	return string(buf), nil
}

// writeException appends an Exception packet for err. The message is
// ClickHouse's text without its "Code: N. DB::Exception: " prefix, as a
// ClickHouse server sends it.
func (ss *session) writeException(err error) {
	ex := fromError(err)
	msg := strings.TrimPrefix(ex.text, fmt.Sprintf("Code: %d. ", ex.code))
	msg = strings.TrimPrefix(msg, "DB::Exception: ")
	chproto.ServerCodeException.Encode(&ss.out)
	e := chproto.Exception{Code: chproto.Error(ex.code), Name: "DB::Exception", Message: msg}
	e.EncodeAware(&ss.out, int(ss.revision))
}

// flush writes the pending output.
func (ss *session) flush() error {
	if len(ss.out.Buf) == 0 {
		return nil
	}
	_ = ss.nc.SetWriteDeadline(time.Now().Add(tcpSendTimeout))
	_, err := ss.nc.Write(ss.out.Buf)
	ss.out.Reset()
	if err != nil {
		return fmt.Errorf("write to client: %w", err)
	}
	return nil
}
