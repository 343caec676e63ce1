// Package metadata holds the component's identity, stability and own
// telemetry, written by hand in the shape mdatagen generates (mdatagen is
// not available in this build environment; see metadata.yaml).
package metadata

import "go.opentelemetry.io/collector/component"

// Type is the component type of the processor.
var Type = component.MustNewType("kaizen")

// ScopeName is the instrumentation scope of the processor's own telemetry.
const ScopeName = "github.com/kaizenhq/kaizen/processor/kaizenprocessor"

// TracesStability is the stability of the traces pipeline.
const TracesStability = component.StabilityLevelAlpha
