package kaizenprocessor

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
	"github.com/kaizenhq/kaizen/processor/kaizenprocessor/internal/dialect"
)

// Attributes of wrapper inference spans.
const (
	// AttrCallWrapper (bool true) marks an inference span that wraps another
	// inference span of the same model call in the same batch (an SDK or
	// framework span around an HTTP-level span). It is not priced.
	AttrCallWrapper = genai.CallWrapper
	// AttrCallInnerSpanID is the hex span id of the wrapped span that
	// represents the call.
	AttrCallInnerSpanID = genai.CallInnerSpanID
)

// pendingCall is an inference span of the batch waiting to be priced once
// the whole batch has been seen.
type pendingCall struct {
	ordinal             int // position of the span in the batch walk
	attrs               pcommon.Map
	operation, provider string
	reqModel, respModel string
	tokens              tokenCounts
	hasTok              [dialect.NumTokenFields]bool
	badTok, batch       bool
	wrapper             bool
	reported            pricing.USD // the instrumentation's own cost, when hasReported
	hasReported         bool
	start               time.Time // the span's start: it selects the prices in force
	inner               int32     // index in the batch index of the chosen inner span
}

func newPendingCall(ordinal int, attrs pcommon.Map, c *call, ts pcommon.Timestamp) pendingCall {
	var start time.Time // a span without a start time is priced at today's prices
	if ts != 0 {
		start = ts.AsTime()
	}
	return pendingCall{
		ordinal: ordinal, attrs: attrs, operation: c.operation, provider: c.provider, start: start,
		reqModel: c.reqModel, respModel: c.respModel, tokens: c.tokens, hasTok: c.hasTok,
		badTok: len(c.badTok) > 0, batch: c.batch, reported: c.reported, hasReported: c.hasReported, inner: -1,
	}
}

// hasUsage reports whether any token count was reported.
func (pc *pendingCall) hasUsage() bool {
	for _, h := range pc.hasTok {
		if h {
			return true
		}
	}
	return false
}

// markWrappers finds inference spans with a descendant inference span of
// the same call in the batch: same trace, same operation, compatible
// provider and model, reached through non-GenAI spans only (the walk stops
// at agent, workflow and tool spans, below which separate calls live). The
// outer span is marked as a wrapper of the innermost one; with several
// candidates (retries), the one that ended last.
func markWrappers(idx *batchIndex, calls []pendingCall) {
	for i := range idx.nodes {
		ci := idx.nodes[i].call
		if ci < 0 {
			continue
		}
		cur := int32(i)
		for k := 0; k < maxAncestors; k++ {
			if cur = idx.parentOf(cur); cur < 0 || idx.nodes[cur].boundary {
				break
			}
			if a := idx.nodes[cur].call; a >= 0 && sameCall(&calls[a], &calls[ci]) {
				calls[a].wrapper = true
			}
		}
	}
	// Choose each wrapper's inner span among its descendants that are not
	// wrappers themselves.
	for i := range idx.nodes {
		ci := idx.nodes[i].call
		if ci < 0 || calls[ci].wrapper {
			continue
		}
		cur := int32(i)
		for k := 0; k < maxAncestors; k++ {
			if cur = idx.parentOf(cur); cur < 0 || idx.nodes[cur].boundary {
				break
			}
			a := idx.nodes[cur].call
			if a < 0 || !calls[a].wrapper || !sameCall(&calls[a], &calls[ci]) {
				continue
			}
			if in := calls[a].inner; in < 0 || idx.nodes[i].end > idx.nodes[in].end {
				calls[a].inner = int32(i)
			}
		}
	}
	for i := range calls {
		if pc := &calls[i]; pc.wrapper && pc.inner >= 0 {
			pc.attrs.PutBool(AttrCallWrapper, true)
			pc.attrs.PutStr(AttrCallInnerSpanID, idx.keys[pc.inner].span.String())
		} else {
			pc.wrapper = false // every descendant was itself a wrapper: cannot happen, but never lose a priced call
		}
	}
}

// sameCall reports whether an outer and an inner inference span describe
// the same model call.
func sameCall(outer, inner *pendingCall) bool {
	if outer.operation != inner.operation {
		return false
	}
	if outer.provider != "" && inner.provider != "" && outer.provider != inner.provider {
		return false
	}
	om := [2]string{outer.reqModel, outer.respModel}
	im := [2]string{inner.reqModel, inner.respModel}
	if om == [2]string{} || im == [2]string{} {
		return true // one side does not say: the structure decides
	}
	for _, a := range om {
		for _, b := range im {
			if a != "" && b != "" && pricing.SameModel(a, b) {
				return true
			}
		}
	}
	return false
}
