package e2e

import (
	"fmt"
	"net"
	"testing"
)

// Ports are the listen addresses of one collector, all on 127.0.0.1.
type Ports struct {
	// CHDB is the embedded ClickHouse HTTP interface (collector/config.yaml).
	CHDB string
	// GRPC and HTTP are the OTLP receiver's endpoints.
	GRPC, HTTP string
	// Health is the health_check extension's endpoint.
	Health string
	// Metrics is the port of the collector's own Prometheus metrics.
	Metrics int
}

// FreeAddr returns 127.0.0.1:PORT with a port that was free a moment ago.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// NewPorts picks free ports for every listener of a collector.
func NewPorts() (Ports, error) {
	var p Ports
	for _, a := range []*string{&p.CHDB, &p.GRPC, &p.HTTP, &p.Health} {
		addr, err := FreeAddr()
		if err != nil {
			return p, err
		}
		*a = addr
	}
	addr, err := FreeAddr()
	if err != nil {
		return p, err
	}
	_, port, _ := net.SplitHostPort(addr)
	_, err = fmt.Sscan(port, &p.Metrics)
	return p, err
}

// MustPorts is NewPorts failing the test on error.
func MustPorts(t testing.TB) Ports {
	t.Helper()
	p, err := NewPorts()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Env returns the environment variables collector/config.yaml and
// collector/config.clickhouse.yaml read, for these ports and data directory.
func (p Ports) Env(dataDir string) []string {
	return []string{
		"KAIZEN_DATA_DIR=" + dataDir,
		"KAIZEN_CHDB_ENDPOINT=" + p.CHDB,
		"KAIZEN_OTLP_GRPC_ENDPOINT=" + p.GRPC,
		"KAIZEN_OTLP_HTTP_ENDPOINT=" + p.HTTP,
		"KAIZEN_HEALTH_ENDPOINT=" + p.Health,
		fmt.Sprintf("KAIZEN_METRICS_PORT=%d", p.Metrics),
	}
}

// MetricsURL is the collector's own Prometheus metrics page.
func (p Ports) MetricsURL() string {
	return fmt.Sprintf("http://127.0.0.1:%d/metrics", p.Metrics)
}
