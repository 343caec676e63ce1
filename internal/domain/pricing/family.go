package pricing

import "strings"

// tierWords name a size or speed tier inside a model id ("gpt-4o-mini",
// "claude-opus-4-1", "gemini-2.5-flash"); they are not part of the family.
var tierWords = map[string]bool{
	"mini": true, "nano": true, "micro": true, "haiku": true, "sonnet": true, "opus": true, "flash": true,
	"lite": true, "pro": true, "small": true, "medium": true, "large": true, "fast": true, "instant": true,
}

// Family names the generation a model id belongs to: the id's segments up to
// the first one with a digit, without tier words and dates — "gpt-4o" for
// gpt-4o and gpt-4o-mini, "claude-4" for claude-opus-4-1 and
// claude-haiku-4-5, "gemini-2.5" for gemini-2.5-pro and gemini-2.5-flash.
// Models of one family are siblings the detectors may swap for each other;
// an id without a digit is its own family.
func Family(id string) string {
	id = stripPath(normModel(id))
	if i := strings.IndexAny(id, "@:"); i > 0 {
		id = id[:i]
	}
	var out []string
	for _, seg := range strings.Split(id, "-") {
		if tierWords[seg] {
			continue
		}
		out = append(out, seg)
		if strings.ContainsAny(seg, "0123456789") {
			return strings.Join(out, "-")
		}
	}
	return id
}
