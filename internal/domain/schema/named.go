package schema

import (
	"context"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// withParams binds server-side {name:Type} query parameters: values travel
// apart from the SQL text (param_<name> over HTTP), never spliced into it.
func withParams(ctx context.Context, params map[string]string) context.Context {
	return clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters(params)))
}
