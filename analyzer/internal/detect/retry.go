package detect

import (
	"fmt"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// retrySimilarity is the word-shingle similarity of the non-system
// messages above which a later call of the same agent is a redo of a failed
// one (lower than the redundant threshold: a redo often adds a line such as
// "your previous answer was cut off").
const retrySimilarity = 0.6

// truncated reports whether the call stopped at its output-token limit
// (finish_reason length, Anthropic max_tokens, Gemini MAX_TOKENS).
func truncated(c *run.Call) bool {
	for _, r := range c.FinishReasons {
		switch strings.ToLower(r) {
		case "length", "max_tokens", "max_output_tokens":
			return true
		}
	}
	return false
}

// wasted reports whether a call's result was unusable: it failed or was
// truncated at the token limit.
func wasted(c *run.Call) bool { return c.Failed() || truncated(c) }

// detectRetries reports, per agent, chains of failed or truncated calls
// that cost money followed by a redo of the same request. Failed attempts
// that were billed nothing (e.g. HTTP 429 before any token) waste time, not
// money, and are not reported.
func detectRetries(s *state) []run.Finding {
	var out []run.Finding
	for _, calls := range s.byAgent {
		for i := 0; i < len(calls); {
			chain := s.retryChain(calls, i)
			if len(chain) < 2 {
				i++
				continue
			}
			out = append(out, retryFinding(chain))
			s.claim(chain)
			i += len(chain)
		}
	}
	return out
}

// retryChain returns the attempts starting at calls[i]: each wasted call
// that cost money, redone by the agent's next call, ending with the first
// attempt that is not wasted (or the last wasted one).
func (s *state) retryChain(calls []*callInfo, i int) []*callInfo {
	chain := []*callInfo{calls[i]}
	for j := i; j+1 < len(calls); j++ {
		cur, next := calls[j], calls[j+1]
		if !wasted(cur.c) || cur.c.Cost <= 0 || !s.isRedo(cur, next) {
			break
		}
		chain = append(chain, next)
		if !wasted(next.c) {
			break
		}
	}
	if len(chain) < 2 {
		return nil
	}
	return chain
}

// isRedo reports whether b repeats a's request.
func (s *state) isRedo(a, b *callInfo) bool {
	if a.promptHash != 0 && a.promptHash == b.promptHash {
		return true
	}
	if a.hasContent && b.hasContent {
		return sameSystem(a, b) && jaccard(a.qSh, b.qSh) >= retrySimilarity
	}
	return false
}

func retryFinding(chain []*callInfo) run.Finding {
	ns := numbers(chain)
	failed := ns[:len(ns)-1]
	var why []string
	for _, ci := range chain[:len(chain)-1] {
		switch {
		case truncated(ci.c):
			why = append(why, fmt.Sprintf("#%d was cut off at %d output tokens", ci.c.Number, ci.c.Usage.OutputTokens))
		case ci.c.ErrorType != "":
			why = append(why, fmt.Sprintf("#%d failed (%s)", ci.c.Number, ci.c.ErrorType))
		default:
			why = append(why, fmt.Sprintf("#%d failed", ci.c.Number))
		}
	}
	rec := "Fix the cause before retrying: validate inputs, and retry only transient errors."
	if truncated(chain[0].c) {
		rec = "Raise max_tokens for this request (or ask for a shorter answer) so the first attempt completes."
	}
	return run.Finding{
		Confidence:     0.9,
		Calls:          ns,
		Title:          fmt.Sprintf("Call %s redone after %s", callList(ns[len(ns)-1:]), plural(len(failed), "billed failed attempt")),
		Explanation:    fmt.Sprintf("Agent %s paid for attempts that were thrown away: %s; call #%d redid the same request.", agentName(chain[0].c), strings.Join(why, "; "), ns[len(ns)-1]),
		Recommendation: rec,
	}
}

// plural renders "1 call" / "3 calls".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
