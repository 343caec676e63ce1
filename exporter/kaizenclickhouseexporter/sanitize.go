package kaizenclickhouseexporter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reasons a value was repaired or a span rejected; they label the
// exporter's counters and log lines.
const (
	reasonInvalidUTF8     = "invalid_utf8"
	reasonOversize        = "oversize"
	reasonUnknownSpanKind = "unknown_span_kind"
	reasonUnknownStatus   = "unknown_status_code"
	reasonBadGenAIValue   = "bad_gen_ai_value"
	reasonMissingIDs      = "missing_ids"
)

// truncationMarker ends a value cut to the size limit; %d is the number of
// bytes removed.
const truncationMarker = "…[kaizen: truncated %d bytes]"

// sanitizer repairs string values before they are appended to a batch:
// invalid UTF-8 is replaced with U+FFFD and values longer than max bytes
// are cut at a rune boundary and end with truncationMarker. It counts what
// it repaired; it is used by one push at a time.
type sanitizer struct {
	max    int
	counts map[string]int
}

func newSanitizer(max int) *sanitizer {
	return &sanitizer{max: max, counts: map[string]int{}}
}

// str returns v repaired.
func (s *sanitizer) str(v string) string {
	valid := utf8.ValidString(v)
	if valid && len(v) <= s.max {
		return v
	}
	if !valid {
		s.counts[reasonInvalidUTF8]++
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	if len(v) > s.max {
		s.counts[reasonOversize]++
		v = truncate(v, s.max)
	}
	return v
}

// note counts one repair that str does not see (kinds, status codes, GenAI
// values of the wrong type).
func (s *sanitizer) note(reason string) { s.counts[reason]++ }

// truncate cuts v so that the result, marker included, fits in max bytes
// when max leaves room for the marker; the cut falls on a rune boundary.
func truncate(v string, max int) string {
	marker := strings.Replace(truncationMarker, "%d", strconv.Itoa(len(v)), 1)
	keep := max - len(marker)
	if keep < 0 {
		keep = 0
	}
	for keep > 0 && !utf8.RuneStart(v[keep]) {
		keep--
	}
	cut := len(v) - keep
	return v[:keep] + strings.Replace(truncationMarker, "%d", strconv.Itoa(cut), 1)
}
