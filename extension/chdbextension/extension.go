package chdbextension

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/engine/credentials"
)

// chdbExtension owns the store and its HTTP interface for the collector's
// lifetime.
type chdbExtension struct {
	cfg    *Config
	logger *zap.Logger
	server *chserver.Server
}

// Start creates the credentials on the first start, opens the store and
// starts serving.
func (e *chdbExtension) Start(context.Context, component.Host) error {
	generated, err := credentials.Ensure(e.cfg.credentialsDir())
	if err != nil {
		return fmt.Errorf("chdb extension: %w", err)
	}
	srv, err := chserver.Start(e.cfg.serverConfig(generated), e.logger)
	if err != nil {
		return fmt.Errorf("chdb extension: %w", err)
	}
	e.server = srv
	e.logger.Info("embedded ClickHouse requires credentials", zap.String("credentials_dir", e.cfg.credentialsDir()),
		zap.Strings("users", []string{credentials.ReaderUser, credentials.WriterUser}))
	return nil
}

// Shutdown drains in-flight requests, then closes the store so its data is
// flushed and its path released. It is safe without a prior Start.
func (e *chdbExtension) Shutdown(ctx context.Context) error {
	if e.server == nil {
		return nil
	}
	err := e.server.Shutdown(ctx)
	e.server = nil
	if err != nil {
		return fmt.Errorf("chdb extension: %w", err)
	}
	return nil
}
