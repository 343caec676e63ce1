// Package deploy holds the team deployment of Kaizen — compose.yaml (a
// ClickHouse server, kaizen-collector, kaizen serve, Grafana) and a
// Dockerfile for each binary — and the tests that check them as far as a
// machine without a Docker engine can: the compose file loads with the
// Compose specification's own loader, the collector's configuration passes
// the collector's own validation with the compose environment, kaizen
// serve accepts its command line, and every image builds what it runs.
package deploy
