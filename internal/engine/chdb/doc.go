// Package chdb binds the embedded ClickHouse engine shipped by the chDB
// project as libchdb.so.
//
// The binding uses purego, so Kaizen builds without cgo. The library is found
// through the KAIZEN_CHDB_LIB environment variable, then at
// .deps/chdb/libchdb.so below the module root (installed by `make deps`).
//
// libchdb allows one open store per process (Open refuses a second), and one
// connection serves concurrent statements correctly and in parallel, so a
// Conn is shared by every goroutine of the process; WithMaxConcurrency bounds
// how many statements run at once.
//
// Statements are passed with their length (chdb_query_n), and QueryParams
// binds {name:Type} placeholders on the server side
// (chdb_query_with_params_n), so callers never splice values into SQL text.
// Inline INSERT data is not binary-safe, though: the engine's statement
// splitter ends the data at the first blank line ("\n\n"), which Native and
// RowBinary bytes contain all the time (UInt64 2570 is 0a 0a). Large or
// binary INSERTs go through chserver.InsertData, which hands the data to the
// engine as a file (INSERT … FROM INFILE); inline data is safe only for text
// formats without blank lines.
//
// Errors returned by the engine are *Error values carrying ClickHouse's
// numeric code and message.
package chdb
