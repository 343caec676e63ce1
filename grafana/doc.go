// Package grafana holds Kaizen's Grafana provisioning (datasource, dashboard
// provider) and the tests that keep it consistent with the store: the
// datasource must reach the embedded ClickHouse with the read role and the
// password file the collector's chdb extension writes.
package grafana
