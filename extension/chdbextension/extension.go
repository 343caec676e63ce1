package chdbextension

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
)

// chdbExtension owns the store and its HTTP interface for the collector's
// lifetime.
type chdbExtension struct {
	cfg    *Config
	logger *zap.Logger
	server *chserver.Server
}

// Start opens the store and starts serving.
func (e *chdbExtension) Start(context.Context, component.Host) error {
	srv, err := chserver.Start(e.cfg.serverConfig(), e.logger)
	if err != nil {
		return fmt.Errorf("chdb extension: %w", err)
	}
	e.server = srv
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
