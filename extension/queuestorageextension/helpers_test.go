package queuestorageextension

import (
	"context"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// queueID is the component the exporter's persistent queue opens its
// client for.
var queueID = component.MustNewIDWithName("kaizenclickhouse", "main")

// startStorage creates and starts a storage extension from factory with cfg
// and shuts it down at the end of the test.
func startStorage(tb testing.TB, f extension.Factory, cfg component.Config) storage.Extension {
	tb.Helper()
	ctx := context.Background()
	ext, err := f.Create(ctx, extensiontest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := ext.Start(ctx, componenttest.NewNopHost()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := ext.Shutdown(ctx); err != nil {
			tb.Error(err)
		}
	})
	return ext.(storage.Extension)
}

// openClient opens the queue's client on ext and closes it at the end of
// the test.
func openTestClient(tb testing.TB, ext storage.Extension) storage.Client {
	tb.Helper()
	c, err := ext.GetClient(context.Background(), component.KindExporter, queueID, "traces")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// ourClient opens a queue_storage client on dir.
func ourClient(tb testing.TB, dir string) storage.Client {
	return openTestClient(tb, startStorage(tb, NewFactory(), &Config{Directory: dir}))
}

// contribClient opens a contrib file_storage (bbolt) client on dir.
func contribClient(tb testing.TB, dir string) storage.Client {
	f := filestorage.NewFactory()
	cfg := f.CreateDefaultConfig().(*filestorage.Config)
	cfg.Directory = dir
	return openTestClient(tb, startStorage(tb, f, cfg))
}
