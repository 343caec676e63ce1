package kaizenprocessor

import (
	"strconv"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// applyPolicy truncates or removes content attributes of a span and its
// events according to the policy.
func (p *kaizenProcessor) applyPolicy(attrs pcommon.Map, evs ptrace.SpanEventSlice) {
	switch p.cfg.Content.Policy {
	case PolicyTruncate:
		p.truncateMap(attrs)
		for i := 0; i < evs.Len(); i++ {
			p.truncateMap(evs.At(i).Attributes())
		}
	case PolicyFingerprint, PolicyDrop:
		attrs.RemoveIf(func(k string, _ pcommon.Value) bool { return dialect.IsContent(k) })
		for i := 0; i < evs.Len(); i++ {
			evs.At(i).Attributes().RemoveIf(func(k string, _ pcommon.Value) bool { return dialect.IsContent(k) })
		}
	}
}

func (p *kaizenProcessor) truncateMap(m pcommon.Map) {
	n := p.cfg.Content.TruncateBytes
	m.Range(func(k string, v pcommon.Value) bool {
		if v.Type() == pcommon.ValueTypeStr && len(v.Str()) > n && dialect.IsContent(k) {
			v.SetStr(truncate(v.Str(), n))
		}
		return true
	})
}

// truncate cuts s to at most n bytes on a UTF-8 boundary and appends a
// marker with the number of bytes removed.
func truncate(s string, n int) string {
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[truncated " + strconv.Itoa(len(s)-cut) + " bytes]"
}

// policyValue is the value of kaizen.content.policy.
func (c *Config) policyValue() string {
	if c.Content.Policy == PolicyTruncate {
		return PolicyTruncate + ":" + strconv.Itoa(c.Content.TruncateBytes)
	}
	return c.Content.Policy
}
