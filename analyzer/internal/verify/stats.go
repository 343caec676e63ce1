package verify

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// Reason says why a finding was dropped.
type Reason string

// Drop reasons counted in Stats.Dropped.
const (
	// UnknownType: the finding's type is not in run.Types.
	UnknownType Reason = "unknown_type"
	// UnknownCall: a call number is not in the run.
	UnknownCall Reason = "unknown_call"
	// NoCalls: the finding names no call.
	NoCalls Reason = "no_calls"
	// TooFewCalls: redundant, loop and retry findings need two calls.
	TooFewCalls Reason = "too_few_calls"
	// UnknownModel: an overkill finding's suggested model (or a call's
	// model) is not in the price table.
	UnknownModel Reason = "unknown_model"
	// NotCheaper: the suggested model does not cost less, or is of another
	// provider or kind.
	NotCheaper Reason = "not_cheaper"
	// NoSaving: the recomputed saving is zero (e.g. bloat without
	// RemovableTokens, calls that cost nothing).
	NoSaving Reason = "no_saving"
	// AlreadyClaimed: every call's cost was already claimed by earlier
	// findings.
	AlreadyClaimed Reason = "already_claimed"
)

// Stats counts what Verify did.
type Stats struct {
	// Input is the number of findings received.
	Input int
	// Verified is the number of findings returned.
	Verified int
	// Merged counts findings folded into another one of the same type and
	// calls.
	Merged int
	// Capped counts findings whose saving was reduced because some of
	// their calls' cost was already claimed.
	Capped int
	// Dropped counts dropped findings per reason.
	Dropped map[Reason]int
	// DroppedFindings names each dropped candidate, in input order.
	DroppedFindings []Drop
}

// Drop is one candidate finding verification dropped, and why.
type Drop struct {
	Type   run.Type
	Calls  []int
	Source run.Source
	Reason Reason
}

// DroppedTotal returns the number of dropped findings.
func (s Stats) DroppedTotal() int {
	n := 0
	for _, v := range s.Dropped {
		n += v
	}
	return n
}

// String renders the stats, e.g. "12 in, 9 verified, 1 merged, 2 capped,
// dropped: unknown_call=1 no_saving=1".
func (s Stats) String() string {
	out := fmt.Sprintf("%d in, %d verified, %d merged, %d capped", s.Input, s.Verified, s.Merged, s.Capped)
	if len(s.Dropped) == 0 {
		return out
	}
	keys := make([]string, 0, len(s.Dropped))
	for k := range s.Dropped {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, s.Dropped[Reason(k)])
	}
	return out + ", dropped: " + strings.Join(parts, " ")
}

func (s *Stats) drop(r Reason, f run.Finding) {
	if s.Dropped == nil {
		s.Dropped = map[Reason]int{}
	}
	s.Dropped[r]++
	s.DroppedFindings = append(s.DroppedFindings, Drop{Type: f.Type, Calls: slices.Clone(f.Calls), Source: f.Source, Reason: r})
}
