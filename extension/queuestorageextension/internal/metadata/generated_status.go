// Package metadata holds the queue_storage extension's component type and
// stability, in the shape mdatagen generates from metadata.yaml (written by
// hand: mdatagen is not available to this build).
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	// Type is the component type of the extension: queue_storage.
	Type = component.MustNewType("queue_storage")
	// ScopeName is the instrumentation scope of the extension's own telemetry.
	ScopeName = "github.com/kaizenhq/kaizen/extension/queuestorageextension"
)

const (
	// ExtensionStability is the stability level of the extension.
	ExtensionStability = component.StabilityLevelAlpha
)
