package chdb

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Result is the outcome of one statement.
type Result struct {
	// Data is the statement's output in the requested format; it is owned by
	// the caller (copied out of the engine's buffer).
	Data []byte
	// Elapsed is the engine's execution time.
	Elapsed time.Duration
	// RowsRead and BytesRead count what the statement read.
	RowsRead, BytesRead uint64
	// RowsWritten and BytesWritten count what an INSERT wrote.
	RowsWritten, BytesWritten uint64
}

// Conn is an open embedded ClickHouse store. It is safe for concurrent use.
//
// libchdb executes each chdb_query_n call on its own engine thread and one
// connection serves concurrent calls correctly (TestConcurrentReadersWriters
// proves it under -race with exact row counts), and in parallel: 8 goroutines
// of mixed INSERT/SELECT finish in about half the time they take serialized.
// Conn therefore lets up to WithMaxConcurrency statements run at once and
// queues the rest; Close waits for the running ones.
type Conn struct {
	api  *api
	path string
	// sem holds one token per running statement, so a waiting query can give
	// up when its context ends and Close can drain every slot.
	sem chan struct{}
	// paramMu serializes statements with query parameters: libchdb keeps
	// them in the connection's one session, so two at once clobber each
	// other's ("Substitution `q` is not set").
	paramMu sync.Mutex
	handle  unsafe.Pointer // chdb_connection *; nil once closed
}

// Option configures Open.
type Option func(*config)

type config struct {
	settings       map[string]string
	maxConcurrency int
}

// DefaultMaxConcurrency is how many statements a Conn runs at once unless
// WithMaxConcurrency says otherwise.
const DefaultMaxConcurrency = 8

// WithMaxConcurrency bounds how many statements run in the engine at once;
// 1 serializes them. Values below 1 are treated as 1.
func WithMaxConcurrency(n int) Option {
	return func(c *config) { c.maxConcurrency = max(n, 1) }
}

// WithSetting applies a ClickHouse query-level setting (for example
// max_execution_time or max_memory_usage) to every statement of the
// connection.
func WithSetting(name, value string) Option {
	return func(c *config) { c.settings[name] = value }
}

var (
	openMu   sync.Mutex
	openPath string // data path of the connection open in this process
)

// Open loads libchdb and opens the store at path, creating the directory
// when needed. An empty path opens a temporary in-memory store. libchdb
// allows one open connection per process: Open fails while another Conn is
// open; close it first.
func Open(path string, opts ...Option) (*Conn, error) {
	cfg := config{settings: map[string]string{}, maxConcurrency: DefaultMaxConcurrency}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := load()
	if err != nil {
		return nil, err
	}
	openMu.Lock()
	defer openMu.Unlock()
	if openPath != "" {
		return nil, fmt.Errorf("open chdb store %q: the store %q is already open in this process (libchdb allows one open store per process)", path, openPath)
	}
	args := []string{"clickhouse"}
	if path != "" {
		if err := os.MkdirAll(path, 0o750); err != nil {
			return nil, fmt.Errorf("open chdb store %q: %w", path, err)
		}
		args = append(args, "--path="+path)
	}
	names := make([]string, 0, len(cfg.settings))
	for name := range cfg.settings {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		args = append(args, "--"+name+"="+cfg.settings[name])
	}
	handle := a.connectArgs(args)
	if handle == nil {
		return nil, fmt.Errorf("open chdb store %q: chdb_connect failed (is the path writable and not locked by another process?)", path)
	}
	label := path
	if label == "" {
		label = ":memory:"
	}
	openPath = label
	c := &Conn{api: a, path: path, handle: handle, sem: make(chan struct{}, cfg.maxConcurrency)}
	return c, nil
}

// connectArgs calls chdb_connect with a C argv built from args.
func (a *api) connectArgs(args []string) unsafe.Pointer {
	var pin runtime.Pinner
	defer pin.Unpin()
	argv := make([]*byte, len(args)+1)
	for i, s := range args {
		b := append([]byte(s), 0)
		pin.Pin(&b[0])
		argv[i] = &b[0]
	}
	return a.connect(int32(len(args)), &argv[0])
}

// Path returns the data path the store was opened on ("" for in-memory).
func (c *Conn) Path() string { return c.path }

// Query runs one statement and returns its output in format (for example
// "JSONEachRow", "Native", "TabSeparated"; empty means the engine default).
// The statement may carry binary data after its FORMAT clause.
func (c *Conn) Query(ctx context.Context, query []byte, format string) (*Result, error) {
	return c.run(ctx, query, format, nil)
}

// QueryString is Query for a statement held in a string.
func (c *Conn) QueryString(ctx context.Context, query, format string) (*Result, error) {
	return c.run(ctx, []byte(query), format, nil)
}

// QueryParams runs a statement whose {name:Type} placeholders are bound on
// the server side to params; values are never spliced into the SQL text.
func (c *Conn) QueryParams(ctx context.Context, query []byte, format string, params map[string]string) (*Result, error) {
	return c.run(ctx, query, format, params)
}

// Close waits for running statements, then releases the store's data path.
// Statements started afterwards fail with ErrClosed; Close is idempotent.
func (c *Conn) Close() error {
	for range cap(c.sem) {
		c.sem <- struct{}{}
	}
	defer func() {
		for range cap(c.sem) {
			<-c.sem
		}
	}()
	if c.handle == nil {
		return nil
	}
	c.api.closeConn(c.handle)
	c.handle = nil
	openMu.Lock()
	openPath = ""
	openMu.Unlock()
	return nil
}

func (c *Conn) run(ctx context.Context, query []byte, format string, params map[string]string) (*Result, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for chdb connection: %w", ctx.Err())
	}
	defer func() { <-c.sem }()
	if c.handle == nil {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(params) > 0 {
		c.paramMu.Lock()
		defer c.paramMu.Unlock()
	}
	res := c.call(query, format, params)
	if res == nil {
		return nil, &Error{Code: CodeUnknownException, Message: "chdb returned no result (connection lost?)"}
	}
	defer c.api.destroyResult(res)
	if msg := c.api.resultError(res); msg != "" {
		return nil, parseError(msg)
	}
	out := &Result{
		Elapsed:      time.Duration(c.api.resultElapsed(res) * float64(time.Second)),
		RowsRead:     c.api.rowsRead(res),
		BytesRead:    c.api.bytesRead(res),
		RowsWritten:  c.api.rowsWritten(res),
		BytesWritten: c.api.bytesWritten(res),
	}
	if n := c.api.resultLength(res); n > 0 {
		out.Data = make([]byte, n)
		copy(out.Data, unsafe.Slice(c.api.resultBuffer(res), n)) // engine-owned memory, copied before destroy
	}
	return out, nil
}

// call invokes chdb_query_n or chdb_query_with_params_n. The connection
// handle stored by chdb_connect is a chdb_connection* and is dereferenced
// here, while the statement holds a slot of sem (so Close, which takes
// every slot, cannot release it meanwhile).
func (c *Conn) call(query []byte, format string, params map[string]string) unsafe.Pointer {
	conn := *(*unsafe.Pointer)(c.handle)
	q := bytesPtr(query)
	f := []byte(format)
	fp := bytesPtr(f)
	defer runtime.KeepAlive(query)
	defer runtime.KeepAlive(f)
	if len(params) == 0 {
		return c.api.queryN(conn, q, uintptr(len(query)), fp, uintptr(len(f)))
	}
	var pin runtime.Pinner
	defer pin.Unpin()
	n := len(params)
	names := make([]unsafe.Pointer, 0, n)
	values := make([]unsafe.Pointer, 0, n)
	nameLens := make([]uintptr, 0, n)
	valueLens := make([]uintptr, 0, n)
	keys := make([]string, 0, n)
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kb, vb := append([]byte(k), 0), append([]byte(params[k]), 0)
		pin.Pin(&kb[0])
		pin.Pin(&vb[0])
		names = append(names, unsafe.Pointer(&kb[0]))
		values = append(values, unsafe.Pointer(&vb[0]))
		nameLens = append(nameLens, uintptr(len(k)))
		valueLens = append(valueLens, uintptr(len(params[k])))
	}
	return c.api.queryParamsN(conn, q, uintptr(len(query)), fp, uintptr(len(f)),
		unsafe.Pointer(&names[0]), unsafe.Pointer(&nameLens[0]),
		unsafe.Pointer(&values[0]), unsafe.Pointer(&valueLens[0]), uintptr(n))
}

// bytesPtr returns a pointer to b's data, or to a static NUL byte when b is
// empty (the engine never reads past the given length).
func bytesPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return unsafe.Pointer(&empty[0])
	}
	return unsafe.Pointer(&b[0])
}

var empty = [1]byte{0}

// paramEscaper escapes a value for ClickHouse's parameter text format.
var paramEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`, "\x00", `\0`, "'", `\'`)

// EscapeParam encodes an arbitrary string as a query parameter value.
// ClickHouse reads parameter values in its escaped text form (as it does
// param_<name> on the HTTP interface), so a literal backslash, tab, newline
// or NUL must be escaped; QueryParams passes values through unchanged.
func EscapeParam(s string) string { return paramEscaper.Replace(s) }
