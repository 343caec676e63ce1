package chdbextension

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"github.com/kaizenhq/kaizen/extension/chdbextension/internal/metadata"
	"github.com/kaizenhq/kaizen/internal/engine/chserver"
)

// NewFactory returns the factory of the chdb extension.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	return &Config{
		Endpoint:        chserver.DefaultEndpoint,
		Path:            DefaultPath,
		MaxRequestBytes: chserver.DefaultMaxRequestBytes,
		QueryTimeout:    chserver.DefaultQueryTimeout,
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return &chdbExtension{cfg: cfg.(*Config), logger: set.Logger}, nil
}
