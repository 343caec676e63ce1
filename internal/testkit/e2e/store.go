package e2e

import (
	"context"
	"crypto/rand"
	"fmt"

	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
)

// Store is an embedded ClickHouse hosted by the calling process (one per
// process: libchdb's limit) that can be taken down and brought back on the
// same address and data path, as a ClickHouse outage would.
type Store struct {
	addr, path string
	srv        *chserver.Server
	writer     chserver.User
}

// StartStore opens the store at path and serves its HTTP interface on addr
// (127.0.0.1:0 picks a free port, kept across Stop/Start).
func StartStore(path, addr string) (*Store, error) {
	s := &Store{addr: addr, path: path, writer: chserver.User{Name: "kaizen_writer", Password: rand.Text(), Role: chserver.RoleWriter}}
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// Start (re)opens the store on its address and data path.
func (s *Store) Start() error {
	srv, err := chserver.Start(chserver.Config{Endpoint: s.addr, Path: s.path, Users: []chserver.User{s.writer}}, zap.NewNop())
	if err != nil {
		return fmt.Errorf("start embedded ClickHouse on %s: %w", s.addr, err)
	}
	s.srv, s.addr = srv, srv.Addr()
	return nil
}

// Stop closes the HTTP interface and the store.
func (s *Store) Stop(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	s.srv = nil
	if err != nil {
		return fmt.Errorf("stop embedded ClickHouse on %s: %w", s.addr, err)
	}
	return nil
}

// Writer is the store's account, for the collector's exporter.
func (s *Store) Writer() chserver.User { return s.writer }

// Env is the environment collector/config.clickhouse.yaml reads to export
// to this store.
func (s *Store) Env() []string {
	return []string{"KAIZEN_CLICKHOUSE_ENDPOINT=" + s.URL(), "KAIZEN_CLICKHOUSE_USER=" + s.writer.Name, "KAIZEN_CLICKHOUSE_PASSWORD=" + s.writer.Password}
}

// Addr is the store's host:port.
func (s *Store) Addr() string { return s.addr }

// URL is the store's HTTP interface URL.
func (s *Store) URL() string { return "http://" + s.addr }

// Exec runs a statement in-process.
func (s *Store) Exec(stmt string) error {
	if s.srv == nil {
		return fmt.Errorf("exec %q: store is stopped", stmt)
	}
	if _, err := s.srv.Conn().QueryString(context.Background(), stmt, ""); err != nil {
		return fmt.Errorf("exec %q: %w", stmt, err)
	}
	return nil
}
