package fakellm

import (
	"hash/fnv"
	"strings"
	"unicode/utf8"
)

// Categories are the ticket categories DefaultResponder classifies into.
var Categories = []string{"billing", "bug", "account", "feature_request"}

// DefaultResponder answers like a capable assistant would, deterministically:
// classification prompts get one category, translation prompts a marked
// translation, summaries the first sentence, and anything else a short
// answer built from the last line of the prompt (the user's question) — so
// large context blocks earlier in the prompt are not reflected in the answer.
func DefaultResponder(_, prompt string) string {
	lower := strings.ToLower(prompt)
	last := lastLine(prompt)
	switch {
	case strings.Contains(lower, "classify"):
		h := fnv.New32a()
		_, _ = h.Write([]byte(last))
		return Categories[h.Sum32()%uint32(len(Categories))]
	case strings.Contains(lower, "translate"):
		return "[fr] " + truncate(last, 160)
	case strings.Contains(lower, "summarize"):
		return firstSentence(last)
	default:
		return "Thanks for the details. Regarding \"" + truncate(last, 120) +
			"\": we have checked the account and the recommended next step is to follow the guided fix in the help center; " +
			"if the problem persists, reply to this message and an engineer will take over."
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, ".!?"); i >= 0 {
		return s[:i+1]
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
