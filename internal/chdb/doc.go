// Package chdb binds the embedded ClickHouse engine shipped by the chDB
// project as libchdb.so.
//
// The binding uses purego, so Kaizen builds without cgo. The library is found
// through the KAIZEN_CHDB_LIB environment variable, then at
// .deps/chdb/libchdb.so below the module root (installed by `make deps`).
//
// libchdb allows one open connection per process, and a connection runs one
// statement at a time: Conn serializes its queries with a mutex, so any number
// of goroutines may share it. Queries are binary-safe (chdb_query_n), so an
// INSERT may carry Native or RowBinary data, and QueryParams binds
// {name:Type} placeholders on the server side (chdb_query_with_params_n) so
// callers never splice values into SQL text.
//
// Errors returned by the engine are *Error values carrying ClickHouse's
// numeric code and message.
package chdb
