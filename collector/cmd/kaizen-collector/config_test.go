package main

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/otelcol"
)

// TestConfigsValidate validates both shipped configs through the generated
// components, as `kaizen-collector validate` does.
func TestConfigsValidate(t *testing.T) {
	tests := []struct {
		name, file string
		env        map[string]string
		wantErr    string
	}{
		{name: "embedded default", file: embeddedConfig},
		{name: "server", file: serverConfig, env: map[string]string{"KAIZEN_CLICKHOUSE_ENDPOINT": "tcp://clickhouse:9000"}},
		{name: "cluster over https", file: serverConfig, env: map[string]string{
			"KAIZEN_CLICKHOUSE_ENDPOINT": "https://ch.example.com:8443", "KAIZEN_CLICKHOUSE_CLUSTER": "prod",
			"KAIZEN_CLICKHOUSE_PASSWORD": "s3cret", "KAIZEN_CLICKHOUSE_TTL": "2160h"}},
		{name: "server without endpoint", file: serverConfig, env: map[string]string{"KAIZEN_CLICKHOUSE_ENDPOINT": ""},
			wantErr: "endpoint: must be set"},
		{name: "server with bad ttl", file: serverConfig, env: map[string]string{
			"KAIZEN_CLICKHOUSE_ENDPOINT": "tcp://clickhouse:9000", "KAIZEN_CLICKHOUSE_TTL": "-1h"}, wantErr: "ttl -1h0m0s: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			checkDryRun(t, tt.wantErr, fileURI(tt.file))
		})
	}
}

// TestBadExporterOptions: each bad kaizenclickhouse option in the embedded
// config fails validation with a message naming the option.
func TestBadExporterOptions(t *testing.T) {
	tests := []struct{ override, wantErr string }{
		{`endpoint: ""`, "endpoint: must be set to a ClickHouse DSN"},
		{`endpoint: "http://[::1"`, "not a DSN of the form scheme://host:port"},
		{`endpoint: "ftp://127.0.0.1:21"`, `scheme "ftp": want tcp://, clickhouse://, http:// or https://`},
		{`endpoint: "tcp://127.0.0.1:9000?dial_timeout=soon"`, "dial_timeout"},
		{`ttl: -24h`, "ttl -24h0m0s: must not be negative"},
		{`compression: snappy`, `compression "snappy": want one of none, lz4, zstd, gzip, deflate, br`},
		{`table_engine: Memory`, "Memory"},
		{`database: "kaizen; DROP"`, "kaizen; DROP"},
		{`max_value_bytes: -1`, "max_value_bytes -1: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.override, func(t *testing.T) {
			checkDryRun(t, tt.wantErr, fileURI(embeddedConfig), "yaml:exporters::kaizenclickhouse::"+tt.override)
		})
	}
}

// checkDryRun validates the config resolved from uris: no error when
// wantErr is empty, else an error naming the exporter and containing wantErr.
func checkDryRun(t *testing.T, wantErr string, uris ...string) {
	t.Helper()
	col, err := otelcol.NewCollector(collectorSettings(uris...))
	if err != nil {
		t.Fatal(err)
	}
	err = col.DryRun(context.Background())
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("valid config rejected: %v", err)
	case wantErr == "":
	case err == nil:
		t.Fatalf("config accepted, want error containing %q", wantErr)
	case !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), "kaizenclickhouse"):
		t.Fatalf("error %q: want it to name kaizenclickhouse and contain %q", err, wantErr)
	default:
		t.Logf("%v", err)
	}
}
