package kaizenclickhouseexporter

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Price statuses (kaizen.price.status).
const (
	statusPriced   = string(pricing.StatusPriced)
	statusPartial  = string(pricing.StatusPartial)
	statusUnpriced = string(pricing.StatusUnpriced)
)

// isInference reports whether a span is a GenAI inference call: a known
// inference operation, or an unknown or missing operation on a span that
// names a model or reports token usage — unless the processor marked it as
// a wrapper of another span of the same call.
func isInference(attrs pcommon.Map) bool {
	if v, ok := attrs.Get(genai.CallWrapper); ok && v.Type() == pcommon.ValueTypeBool && v.Bool() {
		return false // the call is the inner span the processor found
	}
	op := ""
	if v, ok := attrs.Get(genai.Operation); ok {
		op = v.AsString()
	}
	if genai.IsInference(op) {
		return true
	}
	if genai.IsStructural(op) {
		return false
	}
	for _, k := range []string{genai.RequestModel, genai.ResponseModel, genai.InputTokens, genai.OutputTokens} {
		if _, ok := attrs.Get(k); ok {
			return true
		}
	}
	return false
}

// text returns an attribute as sanitized text ("" when absent).
func (s *sanitizer) text(attrs pcommon.Map, key string) string {
	v, ok := attrs.Get(key)
	if !ok {
		return ""
	}
	if v.Type() == pcommon.ValueTypeStr {
		return s.str(v.Str())
	}
	return s.str(v.AsString())
}

// count returns a token count: an int, an integral double or a decimal
// string. Negative or unreadable values give 0 and are counted.
func (s *sanitizer) count(attrs pcommon.Map, keys ...string) uint64 {
	for _, key := range keys {
		v, ok := attrs.Get(key)
		if !ok {
			continue
		}
		switch v.Type() {
		case pcommon.ValueTypeInt:
			if v.Int() >= 0 {
				return uint64(v.Int())
			}
		case pcommon.ValueTypeDouble:
			if f := v.Double(); f >= 0 && f == math.Trunc(f) && f < math.MaxInt64 {
				return uint64(f)
			}
		case pcommon.ValueTypeStr:
			if n, err := strconv.ParseUint(strings.TrimSpace(v.Str()), 10, 64); err == nil {
				return n
			}
		}
		s.note(reasonBadGenAIValue)
		return 0
	}
	return 0
}

// usd returns an exact amount from a double written by pricing.USD.Float64
// or a decimal string; ok is false when absent or unreadable.
func (s *sanitizer) usd(attrs pcommon.Map, key string) (pricing.USD, bool) {
	v, ok := attrs.Get(key)
	if !ok {
		return 0, false
	}
	switch v.Type() {
	case pcommon.ValueTypeDouble:
		if u, ok := pricing.FromFloat64(v.Double()); ok && u >= 0 {
			return u, true
		}
	case pcommon.ValueTypeInt:
		if u, ok := pricing.FromFloat64(float64(v.Int())); ok && u >= 0 {
			return u, true
		}
	case pcommon.ValueTypeStr:
		if u, err := pricing.ParseUSD(v.Str()); err == nil && u >= 0 {
			return u, true
		}
	}
	s.note(reasonBadGenAIValue)
	return 0, false
}

// simHash reads kaizen.prompt.simhash: 16 hex digits (fingerprint.FormatHex)
// or an int.
func (s *sanitizer) simHash(attrs pcommon.Map) uint64 {
	v, ok := attrs.Get(genai.PromptSimHash)
	if !ok {
		return 0
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if h, err := fingerprint.ParseHex(v.Str()); err == nil {
			return h
		}
	case pcommon.ValueTypeInt:
		return uint64(v.Int())
	}
	s.note(reasonBadGenAIValue)
	return 0
}

// seconds converts a duration in seconds (a double) to nanoseconds.
func (s *sanitizer) seconds(attrs pcommon.Map, key string) uint64 {
	v, ok := attrs.Get(key)
	if !ok {
		return 0
	}
	var f float64
	switch v.Type() {
	case pcommon.ValueTypeDouble:
		f = v.Double()
	case pcommon.ValueTypeInt:
		f = float64(v.Int())
	default:
		f = -1
	}
	if f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f*1e9 >= math.MaxUint64 {
		s.note(reasonBadGenAIValue)
		return 0
	}
	return uint64(math.Round(f * 1e9))
}

// flag reads a boolean (also "true"/"false" strings).
func (s *sanitizer) flag(attrs pcommon.Map, key string) bool {
	v, ok := attrs.Get(key)
	if !ok {
		return false
	}
	switch v.Type() {
	case pcommon.ValueTypeBool:
		return v.Bool()
	case pcommon.ValueTypeStr:
		if b, err := strconv.ParseBool(v.Str()); err == nil {
			return b
		}
	}
	s.note(reasonBadGenAIValue)
	return false
}

// list reads a string array: an array attribute, a JSON array in a string,
// or a single string.
func (s *sanitizer) list(attrs pcommon.Map, key string) []string {
	v, ok := attrs.Get(key)
	if !ok {
		return []string{}
	}
	switch v.Type() {
	case pcommon.ValueTypeSlice:
		out := make([]string, 0, v.Slice().Len())
		for _, e := range v.Slice().All() {
			out = append(out, s.str(e.AsString()))
		}
		return out
	case pcommon.ValueTypeStr:
		str := v.Str()
		var arr []string
		if strings.HasPrefix(strings.TrimSpace(str), "[") && json.Unmarshal([]byte(str), &arr) == nil {
			for i := range arr {
				arr[i] = s.str(arr[i])
			}
			return arr
		}
		if str == "" {
			return []string{}
		}
		return []string{s.str(str)}
	}
	return []string{s.str(v.AsString())}
}
