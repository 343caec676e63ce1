package chserver_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// holdConnection completes a handshake on a raw connection and keeps it
// open (idle) until the test ends or the returned func closes it.
func holdConnection(t *testing.T, addr string) (closeConn func()) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := nc.Write(append(rawHello(), 0)); err != nil {
		t.Fatal(err)
	}
	r := chproto.NewReader(nc)
	code, err := r.UVarInt()
	if err != nil || chproto.ServerCode(code) != chproto.ServerCodeHello {
		t.Fatalf("handshake: packet %d, %v; want the server hello", code, err)
	}
	var h chproto.ServerHello
	if err := h.DecodeAware(r, 54460); err != nil {
		t.Fatalf("server hello: %v", err)
	}
	_ = nc.SetDeadline(time.Time{})
	return func() { _ = nc.Close() }
}

// TestNativeMaxConnections: a connection over Config.MaxConnections gets
// exception 202 and is closed, is counted, and the server accepts again
// once a connection ends.
func TestNativeMaxConnections(t *testing.T) {
	srv := listenTCP(t, chserver.Config{MaxConnections: 2})
	addr := srv.Addr()
	first := holdConnection(t, addr)
	holdConnection(t, addr)

	// A raw client reads the exception without a handshake.
	ex := exchange(t, addr, rawHello(), []byte{0})
	if ex == nil || ex.Code != 202 || !strings.Contains(ex.Message, "max_connections") || !strings.Contains(ex.Message, "at most 2") {
		t.Fatalf("third connection: exception %+v, want code 202 naming max_connections", ex)
	}
	// clickhouse-go reports it as an exception.
	conn := openTCP(t, "tcp://"+addr+"/default", func(o *clickhouse.Options) { o.MaxOpenConns = 1 })
	err := conn.Ping(context.Background())
	var cex *clickhouse.Exception
	if !errors.As(err, &cex) || cex.Code != 202 {
		t.Fatalf("ping over the cap: %v, want exception 202", err)
	}
	if got := srv.RejectedConnections(); got != 2 {
		t.Errorf("RejectedConnections() = %d, want 2", got)
	}

	// A slot frees when a connection ends.
	first()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := conn.Ping(context.Background())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ping after a connection closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestConfigMaxConnections(t *testing.T) {
	err := chserver.Config{MaxConnections: -1}.Validate()
	if err == nil || !strings.Contains(err.Error(), "max_connections -1") {
		t.Errorf("Validate(MaxConnections: -1) = %v, want a max_connections error", err)
	}
}

// TestNativeRequestLimitCompressed: compressed INSERT data over
// max_request_bytes is LIMIT_EXCEEDED whatever the method, nothing is
// inserted, and data under the limit still goes in.
func TestNativeRequestLimitCompressed(t *testing.T) {
	addr := startTCP(t, chserver.Config{MaxRequestBytes: 64 << 10})
	db := chtest.NewDatabase(t)
	chtest.Exec(t, "CREATE TABLE "+db+".blobs (s String) ENGINE = MergeTree ORDER BY s")
	ctx := context.Background()
	for _, method := range []string{"lz4", "zstd", "none"} {
		t.Run(method, func(t *testing.T) {
			conn := openTCP(t, "tcp://"+addr+"/"+db+"?compress="+method)
			insertOverLimit(t, ctx, conn)
			insertSmall(t, ctx, conn, method)
		})
	}
	if got := chtest.Scalar(t, "SELECT count() FROM "+db+".blobs"); got != "3" {
		t.Errorf("rows = %s, want the 3 small inserts only", got)
	}
}
