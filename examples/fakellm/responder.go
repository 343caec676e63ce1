package fakellm

import (
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Categories are the ticket categories DefaultResponder classifies into.
var Categories = []string{"billing", "bug", "account", "feature_request"}

// DefaultResponder answers like a capable assistant would, deterministically.
// The task is the prompt's last line: classification gets one category,
// translation a marked translation, a summary the first sentence, an order
// status question a status, a review a verdict quoting the draft, and anything else an answer
// that quotes the few context lines the task is about (those sharing at
// least two content words with it) — so context the task does not need is
// never reflected in the answer, and pasting it in is real bloat.
func DefaultResponder(_, prompt string) string {
	lower := strings.ToLower(prompt)
	last := lastLine(prompt)
	lowLast := strings.ToLower(last)
	switch {
	case strings.Contains(lower, "classify"):
		h := fnv.New32a()
		_, _ = h.Write([]byte(last))
		return Categories[h.Sum32()%uint32(len(Categories))]
	case strings.Contains(lower, "translate"):
		return "[fr] " + truncate(last, 2000)
	case strings.Contains(lower, "summarize"):
		return firstSentence(last)
	case strings.Contains(lowLast, "status of order"):
		return orderStatus(last)
	case strings.HasPrefix(lowLast, "review"):
		verdict := "APPROVED."
		for _, l := range strings.Split(prompt, "\n") {
			if d, ok := strings.CutPrefix(l, "Draft reply: "); ok {
				verdict += " The draft (\"" + truncate(d, 160) + "\")"
				break
			}
		}
		return verdict + " answers the customer's question, keeps the promised tone and states no commitment beyond policy."
	}
	var b strings.Builder
	b.WriteString("Regarding \"" + truncate(last, 120) + "\":")
	for _, l := range relevantLines(prompt, last, 3) {
		b.WriteString(" " + l)
	}
	b.WriteString(" If anything is still unclear, reply to this message and a specialist will take over.")
	return b.String()
}

// orderStatus answers an order status question the same way every time,
// as a status that has not changed would.
func orderStatus(question string) string {
	id := "the order"
	for _, w := range strings.Fields(question) {
		w = strings.Trim(w, "?.,:;")
		if strings.HasPrefix(w, "ORD-") {
			id = "Order " + w
		}
	}
	return id + " is in transit with the carrier; the last scan was at the regional hub and delivery is expected within two business days."
}

// relevantLines returns up to n lines of prompt, other than the task,
// sharing the most content words with task (at least two), in prompt order.
func relevantLines(prompt, task string, n int) []string {
	want := contentWords(task)
	type scored struct {
		line  string
		score int
		pos   int
	}
	var cands []scored
	seen := map[string]bool{}
	for i, l := range strings.Split(prompt, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l == task || seen[l] {
			continue
		}
		seen[l] = true
		score := 0
		for w := range contentWords(l) {
			if want[w] {
				score++
			}
		}
		if score >= 2 {
			cands = append(cands, scored{l, score, i})
		}
	}
	// Keep the n best (stable: earlier lines win ties), then restore order.
	for i := 1; i < len(cands); i++ {
		for j := i; j > 0 && cands[j].score > cands[j-1].score; j-- {
			cands[j], cands[j-1] = cands[j-1], cands[j]
		}
	}
	if len(cands) > n {
		cands = cands[:n]
	}
	for i := 1; i < len(cands); i++ {
		for j := i; j > 0 && cands[j].pos < cands[j-1].pos; j-- {
			cands[j], cands[j-1] = cands[j-1], cands[j]
		}
	}
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = truncate(c.line, 400)
	}
	return out
}

var stop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`about above after again against being below between both could does doing
		down during each from further have having here into itself more most other over same should some such than
		that their them then there these they this those through under until very were what when where which while
		whom with would your yours please customer support reply wrote answer question`) {
		m[w] = true
	}
	return m
}()

// contentWords are the lower-cased words of s of at least four letters or
// containing a digit, without common function words.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		w = strings.Trim(w, "-")
		if (len(w) >= 4 || strings.ContainsAny(w, "0123456789")) && !stop[w] {
			out[w] = true
		}
	}
	return out
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
