package detect

import (
	"fmt"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
)

// detectLoops reports agents that make at least loopMin consecutive
// near-identical calls: same system instructions, a newest message at least
// as similar as the redundant threshold, and similar outputs — the agent
// keeps asking the same thing and getting the same answer. (A conversation
// whose history grows while each new user turn differs is not a loop.)
func detectLoops(s *state) []run.Finding {
	var out []run.Finding
	for _, calls := range s.byAgent {
		start := 0
		for i := 1; i <= len(calls); i++ {
			if i < len(calls) && !s.claimed[calls[i].c.Number] && !s.claimed[calls[i-1].c.Number] && s.repeats(calls[i-1], calls[i]) {
				continue
			}
			if chain := calls[start:i]; len(chain) >= s.cfg.loopMin {
				out = append(out, loopFinding(chain))
				s.claim(chain)
			}
			start = i
		}
	}
	return out
}

// repeats reports whether b is a near-identical repetition of a.
func (s *state) repeats(a, b *callInfo) bool {
	if a.hasContent && b.hasContent {
		return sameSystem(a, b) && jaccard(a.lastSh, b.lastSh) >= s.cfg.similarity && s.similarOutputs(a, b)
	}
	if a.promptHash != 0 && a.promptHash == b.promptHash {
		return true
	}
	return a.simHash != 0 && fingerprint.Hamming(a.simHash, b.simHash) <= fingerprintOnlyMaxHamming
}

func loopFinding(chain []*callInfo) run.Finding {
	ns := numbers(chain)
	conf := 0.85
	if !chain[0].hasContent {
		conf = 0.6
	}
	return run.Finding{
		Confidence: conf,
		Calls:      ns,
		Title:      fmt.Sprintf("Agent %s loops: %d near-identical calls in a row", agentName(chain[0].c), len(chain)),
		Explanation: fmt.Sprintf("Calls %s repeat the same request (%q) and get the same answer each time; only the first was needed.",
			callList(ns), preview(chain[0].last, 80)),
		Recommendation: "Add a stop condition: detect an unchanged state or answer and break out of the loop (or cap the iterations).",
	}
}
