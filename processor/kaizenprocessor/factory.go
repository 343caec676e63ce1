package kaizenprocessor

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/metadata"
)

// NewFactory returns the factory of the `kaizen` processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(metadata.Type,
		func() component.Config { return createDefaultConfig() },
		processor.WithTraces(createTraces, metadata.TracesStability))
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("kaizen processor: unexpected config type %T", cfg)
	}
	p, err := newKaizenProcessor(set, c)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}),
		processorhelper.WithStart(func(context.Context, component.Host) error { p.refresh.start(); return nil }),
		processorhelper.WithShutdown(func(context.Context) error { p.refresh.shutdown(); return nil }))
}
