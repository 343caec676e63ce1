package kaizenprocessor

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
)

// writeFingerprints writes the prompt fingerprints (16 hex digits each).
func writeFingerprints(attrs pcommon.Map, c *call) {
	if c.system == "" && c.input == "" {
		return
	}
	set, err := fingerprint.FromAttributes(c.system, c.input)
	if set.Prompt != 0 {
		attrs.PutStr(AttrPromptHash, fingerprint.FormatHex(set.Prompt))
		attrs.PutStr(AttrPromptSimHash, fingerprint.FormatHex(set.SimHash))
	}
	if set.System != 0 {
		attrs.PutStr(AttrSystemHash, fingerprint.FormatHex(set.System))
	}
	if set.Prefix != 0 {
		attrs.PutStr(AttrPrefixHash, fingerprint.FormatHex(set.Prefix))
	}
	if err != nil {
		attrs.PutStr(AttrNormalizeErr, "fingerprint: "+err.Error())
	}
}
