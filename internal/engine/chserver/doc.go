// Package chserver serves the ClickHouse HTTP interface over the embedded
// ClickHouse engine (internal/engine/chdb), so that clickhouse-go (Protocol: HTTP),
// ClickHouse's JS client, Grafana's ClickHouse datasource and curl can use
// the store a Kaizen process owns.
//
// NewHandler wraps an open *chdb.Conn; Start opens the store at Config.Path
// and listens on Config.Endpoint (127.0.0.1:8123 by default). The collector
// extension (extension/chdbextension) and tests (internal/testkit/chtest) use Start.
//
// What the handler implements, and how it maps onto the engine:
//
//   - GET/HEAD /ping and /replicas_status answer "Ok.\n".
//   - Queries come from the query URL parameter, the POST body, or both: then
//     the body is data for the statement in the parameter and the two are
//     joined with a newline, byte for byte (binary-safe Native/RowBinary).
//     GET is read-only, as in ClickHouse: modifying statements need POST.
//   - database: the engine has one session per store and no per-query
//     database setting (`SETTINGS database=…` is UNKNOWN_SETTING), so every
//     statement runs as "USE <database>; <statement>" in one engine call.
//     libchdb executes one call as a unit, so concurrent requests for
//     different databases do not see each other's USE (tested).
//   - SET and USE statements are refused: they would change that shared
//     session for every client. Pass settings as URL parameters instead.
//     Several statements in one request are refused, as ClickHouse does.
//   - Any URL parameter that is not an HTTP-interface parameter is a
//     ClickHouse setting: it is added as a SETTINGS clause to SELECT-like
//     statements and INSERTs (where ClickHouse accepts one), with the value
//     quoted, and ignored for DDL, where SETTINGS would mean table settings.
//     Unknown settings fail with UNKNOWN_SETTING, as in ClickHouse.
//     max_execution_time is capped at Config.QueryTimeout.
//   - param_<name> binds {name:Type} placeholders server-side.
//   - client_protocol_version > 0 re-frames Native output (revision 0 from the
//     engine) into the revision the client asked for, the way clickhouse-go
//     reads it.
//   - Request bodies may be compressed with Content-Encoding gzip, deflate,
//     br, zstd or lz4, or with ClickHouse's native block compression
//     (decompress=1); responses are compressed when the client asks with
//     Accept-Encoding (unless enable_http_compression=0) or with compress=1.
//   - Errors are ClickHouse exceptions: "Code: N. DB::Exception: …" with
//     X-ClickHouse-Exception-Code and ClickHouse's HTTP status mapping.
//   - Required credentials (basic auth, X-ClickHouse-User/X-ClickHouse-Key,
//     user/password parameters) of reader or writer accounts, compared in
//     constant time; failures are code 516 with HTTP 401.
//   - A statement policy judged on the engine's own syntax tree (policy.go)
//     and Origin/Host checks against browsers (browser.go).
//
// There is no native-protocol (TCP) listener: every shipped client speaks
// HTTP, and one front is one surface to harden.
package chserver
