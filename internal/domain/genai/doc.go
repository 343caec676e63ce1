// Package genai is the one definition of the GenAI data contract Kaizen's
// stages share: the gen_ai.* attributes of the OTel GenAI semantic
// conventions (v1.41, taken from the semconv package wherever it defines
// them), the kaizen.* attributes the processor adds for the exporter and
// the analyzer, which operations are model calls, and the semconv message
// model (Message, Part) with its parser (ParseMessages) and writer.
package genai
