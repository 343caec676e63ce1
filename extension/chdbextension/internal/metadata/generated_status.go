// Package metadata holds the chdb extension's component type and stability,
// in the shape mdatagen generates from metadata.yaml (written by hand:
// mdatagen is not available to this build).
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	// Type is the component type of the extension: chdb.
	Type = component.MustNewType("chdb")
	// ScopeName is the instrumentation scope of the extension's own telemetry.
	ScopeName = "github.com/kaizenhq/kaizen/extension/chdbextension"
)

const (
	// ExtensionStability is the stability level of the extension.
	ExtensionStability = component.StabilityLevelAlpha
)
