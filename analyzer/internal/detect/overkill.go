package detect

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// simpleCues name tasks whose shape is simple: a cheaper model of the same
// provider does them as well.
var simpleCues = []string{
	"classify", "classification", "categorize", "categorise", "label the", "sentiment",
	"extract", "translate", "translation", "reformat", "format the", "convert", "normalize",
	"yes or no", "one word", "one of:", "respond with only", "return only", "reply with only",
	"detect the language", "fix the grammar", "fix the spelling", "tag ",
}

// hardCues name tasks that need a strong model even when the answer is
// short.
var hardCues = []string{
	"step by step", "prove", "derive", "design", "architecture", "debug", "root cause",
	"trade-off", "tradeoff", "strategy", "plan the", "reason about", "analyze", "analyse",
	"optimize", "refactor", "write an essay", "write a report", "explain why",
}

// maxEnumeratedLines and maxEnumeratedLineBytes bound an enumerated answer.
const (
	maxEnumeratedLines     = 20
	maxEnumeratedLineBytes = 100
	maxShortAnswerWords    = 6
	maxSmallJSONLeaves     = 16
)

// tinyMarkers mark models too small to be suggested for production tasks.
var tinyMarkers = []string{"nano", "lite", "3b", "8b", "instant", "embed"}

// economyMarkers mark models of a provider's economy tier: they are the
// cheap option already and never reported as overkill.
var economyMarkers = []string{"mini", "haiku", "flash", "small", "nano", "lite", "8b", "3b", "instant", "nemo"}

// Confidence of a model-overkill finding: how sure the detector is that
// the suggested model does the task. Each call is graded by the evidence
// that its task is simple (see simpleShape): a simple-task cue in the
// instructions and a short structured answer (confShapeCueAnswer), a cue
// only (confShapeCue), or a structured answer only (confShapeAnswer). The
// grade rises by confCorroborated, up to confMax, when the same run already
// has the suggested model do the same task successfully: a call to it with
// the same system instructions, not failed or truncated, with a
// simple-shaped answer. A finding takes the weakest grade of its calls.
const (
	confShapeCueAnswer = 0.85
	confShapeCue       = 0.7
	confShapeAnswer    = 0.6
	confCorroborated   = 0.1
	confMax            = 0.95
)

// detectOverkill reports calls of an expensive model on a simple-shaped
// task, grouped by agent and model, with the cheapest adequate model of the
// same provider (see suggestModel). Calls without recorded content are not
// judged: the task shape cannot be seen. The finding's confidence follows
// the evidence (see confShapeCueAnswer).
func detectOverkill(s *state) []run.Finding {
	type key struct{ agent, model, suggestion string }
	groups := map[key][]*callInfo{}
	var order []key
	why := map[key]string{}
	conf := map[key]float64{}
	shapes := make([]string, len(s.calls))
	grades := make([]float64, len(s.calls))
	for i, ci := range s.calls {
		shapes[i], grades[i] = s.simpleShape(ci)
	}
	var proven map[taskKey]bool // built on first use: most runs have no candidate
	for i, ci := range s.calls {
		shape, grade := shapes[i], grades[i]
		if grade == 0 || ci.c.Failed() {
			continue
		}
		m, ok := s.prices.Resolve(ci.c.Provider, ci.c.Model())
		if !ok || m.Kind != pricing.KindChat || hasMarker(m.Name, economyMarkers) {
			continue
		}
		sug := s.suggestModel(m, ci.c)
		if sug == nil {
			continue
		}
		if proven == nil {
			proven = s.provenTasks(grades)
		}
		if proven[taskKey{sug, systemKey(ci)}] {
			grade = min(grade+confCorroborated, confMax)
		}
		k := key{agentKey(ci.c), m.ID(), sug.Name}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
			why[k], conf[k] = shape, grade
		}
		groups[k] = append(groups[k], ci)
		conf[k] = min(conf[k], grade)
	}
	out := make([]run.Finding, 0, len(order))
	for _, k := range order {
		g := groups[k]
		ns := numbers(g)
		model := g[0].c.Model()
		out = append(out, run.Finding{
			Confidence:     conf[k],
			Calls:          ns,
			SuggestedModel: k.suggestion,
			Title:          fmt.Sprintf("Call %s uses %s for %s", callList(ns), model, why[k]),
			Explanation: fmt.Sprintf("Agent %s sends a simple-shaped task (%s, answers of at most %d output tokens) to %s; %s, the cheapest current model of the same provider with enough context, does it for a fraction of the price.",
				agentName(g[0].c), why[k], maxOutput(g), model, k.suggestion),
			Recommendation: fmt.Sprintf("Route these requests to %s (keep %s for hard reasoning tasks) and spot-check a sample of answers.", k.suggestion, model),
		})
	}
	return out
}

// taskKey is a model doing a task, the task named by its system
// instructions (systemKey).
type taskKey struct {
	model *pricing.Model
	sys   uint64
}

// provenTasks indexes the run's successful calls of simple-shaped tasks
// (not failed, not truncated, with system instructions; grades are the
// calls' simpleShape grades) by resolved model and system instructions:
// evidence that the model does the task.
func (s *state) provenTasks(grades []float64) map[taskKey]bool {
	out := map[taskKey]bool{}
	for i, ci := range s.calls {
		if grades[i] == 0 || len(ci.system) == 0 || wasted(ci.c) {
			continue
		}
		if m, ok := s.prices.Resolve(ci.c.Provider, ci.c.Model()); ok {
			out[taskKey{m, systemKey(ci)}] = true
		}
	}
	return out
}

// systemKey hashes a call's canonical system instructions (0 when it has
// none): two calls with equal keys pass sameSystem.
func systemKey(ci *callInfo) uint64 {
	if len(ci.system) == 0 {
		return 0
	}
	return mix(ci.sysHash)
}

func maxOutput(g []*callInfo) int64 {
	var m int64
	for _, ci := range g {
		m = max(m, ci.c.Usage.OutputTokens)
	}
	return m
}

// simpleShape classifies a call's task. It returns a description and a
// non-zero grade of the evidence (confShapeCueAnswer, confShapeCue or
// confShapeAnswer) when the task is simple-shaped: a short answer
// (at most maxSimpleOut output tokens, little reasoning), no hard-task cue
// in the instructions, and either a simple-task cue (classification,
// extraction, translation, formatting…) or an enumerated / small-JSON /
// few-word answer.
func (s *state) simpleShape(ci *callInfo) (string, float64) {
	u := ci.c.Usage
	if !ci.hasContent || ci.output == "" || u.OutputTokens <= 0 || u.OutputTokens > s.cfg.maxSimpleOut || u.ReasoningTokens*4 > u.OutputTokens {
		return "", 0
	}
	instr := strings.ToLower(strings.Join(ci.system, "\n") + "\n" + ci.last)
	for _, h := range hardCues {
		if containsWord(instr, h) {
			return "", 0
		}
	}
	cue := ""
	for _, c := range simpleCues {
		if containsWord(instr, c) {
			cue = taskName(c)
			break
		}
	}
	answer := answerShape(ci.output)
	switch {
	case cue != "" && answer != "":
		return cue, confShapeCueAnswer
	case cue != "":
		return cue, confShapeCue
	case answer != "":
		return answer, confShapeAnswer
	}
	return "", 0
}

// taskName maps a cue to the task it names.
func taskName(cue string) string {
	switch {
	case strings.HasPrefix(cue, "class"), strings.HasPrefix(cue, "categor"), cue == "label the", cue == "sentiment", cue == "tag ", cue == "one of:", cue == "yes or no":
		return "classification"
	case cue == "extract":
		return "extraction"
	case strings.HasPrefix(cue, "transl"), cue == "detect the language":
		return "translation"
	}
	return "formatting"
}

// answerShape describes a short structured answer ("a small JSON object",
// "an enumerated list", "a few-word answer"), or "" when the answer is
// free prose.
func answerShape(out string) string {
	t := strings.TrimSpace(out)
	if smallJSON(t) {
		return "a small JSON answer"
	}
	lines := strings.Split(t, "\n")
	if len(lines) >= 2 && len(lines) <= maxEnumeratedLines {
		ok := true
		for _, l := range lines {
			if len(l) > maxEnumeratedLineBytes {
				ok = false
				break
			}
		}
		if ok {
			return "an enumerated answer"
		}
	}
	// Words are runs of letters and digits: a quoted record
	// ("id":96663,"kind":…) has few spaces but many words.
	words := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) <= maxShortAnswerWords && len(lines) == 1 {
		return "a few-word answer"
	}
	return ""
}

// suggestModel returns the cheapest adequate model of m's provider for
// the call, judged by the price table's model metadata: same kind and
// family (a sibling of the same generation, pricing.Family), not
// deprecated or tiny, a context window holding the call's input and output,
// and priced at most (1−minOverkill) of the call's cost under the same
// usage. It returns nil when there is none.
func (s *state) suggestModel(m *pricing.Model, c *run.Call) *pricing.Model {
	cur := s.prices.PriceModel(m, c.Usage)
	if cur.Status == pricing.StatusUnpriced || cur.Total <= 0 {
		return nil
	}
	var best *pricing.Model
	var bestCost pricing.USD
	for _, x := range s.prices.Models(m.Provider) {
		if x == m || x.Kind != m.Kind || x.Family != m.Family || x.Deprecated || isTiny(x.Name) ||
			x.ContextWindow < c.Usage.InputTokens+c.Usage.OutputTokens {
			continue
		}
		alt := s.prices.PriceModel(x, c.Usage)
		if alt.Status != pricing.StatusPriced || float64(alt.Total) > float64(cur.Total)*(1-s.cfg.minOverkill) {
			continue
		}
		if best == nil || alt.Total < bestCost || (alt.Total == bestCost && x.Name < best.Name) {
			best, bestCost = x, alt.Total
		}
	}
	return best
}

func isTiny(name string) bool { return hasMarker(name, tinyMarkers) }

// hasMarker reports whether one of the name's segments (split at
// non-alphanumerics: "gpt-4o-mini" → gpt, 4o, mini) is a marker, so that
// "gemini" does not match "mini".
func hasMarker(name string, markers []string) bool {
	segs := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	return slices.ContainsFunc(segs, func(s string) bool { return slices.Contains(markers, s) })
}

// containsWord reports whether phrase occurs in text (both lower case) at
// word boundaries: "prove" does not match "approves".
func containsWord(text, phrase string) bool {
	for i := 0; ; {
		k := strings.Index(text[i:], phrase)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(phrase)
		if (start == 0 || !isLetter(text[start-1])) && (end == len(text) || !isLetter(text[end]) || !isLetter(phrase[len(phrase)-1])) {
			return true
		}
		i = start + 1
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// smallJSON reports whether t is a JSON object or array with at most
// maxSmallJSONLeaves scalar values.
func smallJSON(t string) bool {
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return false
	}
	leaves, ok := countJSONLeaves(t)
	return ok && leaves <= maxSmallJSONLeaves
}
