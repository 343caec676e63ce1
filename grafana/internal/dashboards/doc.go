// Package dashboards defines Kaizen's Grafana dashboards as code with the
// grafana-foundation-sdk, and the ClickHouse datasource query type that SDK
// lacks (the query model of grafana-clickhouse-datasource v4).
package dashboards
