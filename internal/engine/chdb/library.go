package chdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// EnvLibrary names the environment variable that overrides where libchdb is
// loaded from.
const EnvLibrary = "KAIZEN_CHDB_LIB"

// installHint tells a user how to get the library when it is missing.
const installHint = "run `make deps` at the repository root to install it, or set " + EnvLibrary + " to the path of libchdb.so"

// api holds the libchdb entry points this package uses.
type api struct {
	setSignalHandlers func(enabled int32)
	connect           func(argc int32, argv **byte) unsafe.Pointer
	closeConn         func(conn unsafe.Pointer)
	queryN            func(conn unsafe.Pointer, query unsafe.Pointer, queryLen uintptr, format unsafe.Pointer, formatLen uintptr) unsafe.Pointer
	queryParamsN      func(conn unsafe.Pointer, query unsafe.Pointer, queryLen uintptr, format unsafe.Pointer, formatLen uintptr,
		names unsafe.Pointer, nameLens unsafe.Pointer, values unsafe.Pointer, valueLens unsafe.Pointer, count uintptr) unsafe.Pointer
	destroyResult func(res unsafe.Pointer)
	resultBuffer  func(res unsafe.Pointer) *byte
	resultLength  func(res unsafe.Pointer) uintptr
	resultError   func(res unsafe.Pointer) string
	resultElapsed func(res unsafe.Pointer) float64
	rowsRead      func(res unsafe.Pointer) uint64
	bytesRead     func(res unsafe.Pointer) uint64
	rowsWritten   func(res unsafe.Pointer) uint64
	bytesWritten  func(res unsafe.Pointer) uint64
}

var (
	loadOnce  sync.Once
	loadedAPI *api
	loadErr   error
)

// LibraryPath returns the path libchdb is loaded from: KAIZEN_CHDB_LIB when
// set, otherwise .deps/chdb/libchdb.so below the module root found by walking
// up from the working directory and from the executable's directory.
func LibraryPath() (string, error) {
	if p := os.Getenv(EnvLibrary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("chdb library %s (from %s): %w; %s", p, EnvLibrary, err, installHint)
		}
		return p, nil
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, dir := range starts {
		for {
			candidate := filepath.Join(dir, ".deps", "chdb", libraryFile())
			if _, err := os.Stat(candidate); err == nil {
				return candidate, nil
			}
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break // the module root has no library; stop here
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("chdb library %s not found in .deps/chdb below the module root: %s", libraryFile(), installHint)
}

func libraryFile() string {
	if runtime.GOOS == "darwin" {
		return "libchdb.dylib"
	}
	return "libchdb.so"
}

// load opens libchdb once per process and resolves its symbols.
func load() (*api, error) {
	loadOnce.Do(func() {
		path, err := LibraryPath()
		if err != nil {
			loadErr = err
			return
		}
		handle, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			loadErr = fmt.Errorf("load chdb library %s: %w", path, err)
			return
		}
		a := &api{}
		if err := a.register(handle); err != nil {
			loadErr = fmt.Errorf("load chdb library %s: %w", path, err)
			return
		}
		// ClickHouse's own signal handlers would fight the Go runtime's.
		a.setSignalHandlers(0)
		loadedAPI = a
	})
	return loadedAPI, loadErr
}

func (a *api) register(handle uintptr) (err error) {
	defer func() {
		// purego panics when a symbol is missing; report it as an error.
		if r := recover(); r != nil {
			err = fmt.Errorf("resolve symbol: %v (library too old? need chDB %s or newer)", r, MinimumVersion)
		}
	}()
	for name, fn := range map[string]any{
		"chdb_set_signal_handlers_enabled": &a.setSignalHandlers,
		"chdb_connect":                     &a.connect,
		"chdb_close_conn":                  &a.closeConn,
		"chdb_query_n":                     &a.queryN,
		"chdb_query_with_params_n":         &a.queryParamsN,
		"chdb_destroy_query_result":        &a.destroyResult,
		"chdb_result_buffer":               &a.resultBuffer,
		"chdb_result_length":               &a.resultLength,
		"chdb_result_error":                &a.resultError,
		"chdb_result_elapsed":              &a.resultElapsed,
		"chdb_result_rows_read":            &a.rowsRead,
		"chdb_result_bytes_read":           &a.bytesRead,
		"chdb_result_rows_written":         &a.rowsWritten,
		"chdb_result_bytes_written":        &a.bytesWritten,
	} {
		purego.RegisterLibFunc(fn, handle, name)
	}
	if a.connect == nil {
		return errors.New("chdb_connect not resolved")
	}
	return nil
}

// MinimumVersion is the oldest chDB library release this binding is tested with.
const MinimumVersion = "26.7.3"
