// Package chtest gives a test binary one embedded ClickHouse server (the
// HTTP interface of internal/engine/chserver over a temporary data path) and
// isolates tests by database.
//
// libchdb allows one open store per process, so a package's tests share a
// single server started in TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(chtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		db := chtest.NewDatabase(t)      // created now, dropped at cleanup
//		conn, err := clickhouse.Open(&clickhouse.Options{...}) // or:
//		opts, err := clickhouse.ParseDSN(chtest.DSN(db))
//		...
//	}
//
// Server returns the running *chserver.Server (its Conn for in-process
// statements, URL for raw HTTP), and Restart stops it and starts it again on
// the same data path and port.
package chtest
