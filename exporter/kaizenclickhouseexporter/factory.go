package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/kaizenhq/kaizen/exporter/kaizenclickhouseexporter/internal/metadata"
	"github.com/kaizenhq/kaizen/internal/domain/schema"
)

// NewFactory returns the factory of the kaizenclickhouse traces exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithTraces(createTracesExporter, metadata.TracesStability),
	)
}

// Queue defaults: ClickHouse wants few, large inserts, so the queue counts
// spans and batches them.
const (
	defaultQueueSpans     = 200_000
	defaultConsumers      = 4
	defaultBatchMinSpans  = 8192
	defaultBatchMaxSpans  = 50_000
	defaultBatchFlushTime = time.Second
)

func createDefaultConfig() component.Config {
	queue := exporterhelper.NewDefaultQueueConfig()
	queue.Sizer = exporterhelper.RequestSizerTypeItems
	queue.QueueSize = defaultQueueSpans
	queue.NumConsumers = defaultConsumers
	batch := *queue.Batch.GetOrInsertDefault()
	batch.FlushTimeout = defaultBatchFlushTime
	batch.Sizer = exporterhelper.RequestSizerTypeItems
	batch.MinSize = defaultBatchMinSpans
	batch.MaxSize = defaultBatchMaxSpans
	queue.Batch = configoptional.Some(batch)
	return &Config{
		TimeoutConfig: exporterhelper.NewDefaultTimeoutConfig(),
		BackOffConfig: configretry.NewDefaultBackOffConfig(),
		QueueConfig:   configoptional.Some(queue),
		Database:      schema.DefaultDatabase,
		CreateSchema:  true,
	}
}

func createTracesExporter(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("kaizenclickhouse: config is %T, want *Config", cfg)
	}
	exp, err := newExporter(c, set)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewTraces(ctx, set, cfg, exp.pushTraces,
		exporterhelper.WithStart(exp.start),
		exporterhelper.WithShutdown(exp.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithTimeout(c.TimeoutConfig),
		exporterhelper.WithRetry(c.BackOffConfig),
		exporterhelper.WithQueue(c.QueueConfig),
	)
}
