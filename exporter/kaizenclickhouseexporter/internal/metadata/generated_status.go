// Package metadata holds the kaizenclickhouse exporter's component type and
// stability, in the shape mdatagen generates from metadata.yaml (written by
// hand: mdatagen is not available to this build).
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	// Type is the component type of the exporter: kaizenclickhouse.
	Type = component.MustNewType("kaizenclickhouse")
	// ScopeName is the instrumentation scope of the exporter's own telemetry.
	ScopeName = "github.com/kaizenhq/kaizen/exporter/kaizenclickhouseexporter"
)

const (
	// TracesStability is the stability level of the traces exporter.
	TracesStability = component.StabilityLevelAlpha
)
