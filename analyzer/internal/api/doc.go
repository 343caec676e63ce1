// Package api is the HTTP API of kaizen serve: runs, workflows, analyses
// and findings read from the store, on-demand analyses through the
// scheduler, health and metrics. Routes live in one table that the OpenAPI
// description (openapi.json, served at /api/v1/openapi.json) is tested
// against; every error is JSON with a stable code.
package api
