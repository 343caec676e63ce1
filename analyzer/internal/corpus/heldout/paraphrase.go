package heldout

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Paraphrase scenarios: the same question asked again in other words over
// the same material, which only a semantic judge can see. They are added
// after a run's other scenarios and draw from their own random stream, so
// the calls before them are those the generator made without them.

// semantic plants a paraphrased question, labeled as semantic
// redundant_call waste.
var semantic = []scenario{
	{"paraphrase_same_agent", paraphraseSameAgent},
	{"paraphrase_other_agent", paraphraseOtherAgent},
	{"paraphrase_over_excerpts", paraphraseOverExcerpts},
}

// nearSemantic asks a second, different question over the same material
// with the same instructions.
var nearSemantic = []scenario{
	{"paraphrase_pool_other_values", poolOtherValues},
	{"paraphrase_pool_other_intent", poolOtherIntent},
}

// intents are questions people ask about their material, each worded in
// several ways a person asking again would use. Slots: {a} and {b} are two
// nouns of the domain, {e} one of its named things.
var intents = [][]string{
	{ // a deadline
		"How long do we have to send in the {a} for {e}?",
		"What is the deadline for submitting the {a} on {e}?",
		"By which date must the {a} for {e} reach us?",
		"When is the {a} for {e} due at the latest?",
	},
	{ // who is responsible
		"Who is responsible for the {a} when there is no {b}?",
		"If the {b} is missing, which team takes care of the {a}?",
		"Which desk owns the {a} in cases without a {b}?",
	},
	{ // an approval limit
		"Above what amount does a {a} at {e} need a second approval?",
		"At {e}, from which value on must someone else sign off the {a}?",
		"What's the limit after which the {a} for {e} requires extra approval?",
	},
	{ // an exception
		"Are we allowed to skip the {a} if the {b} has already been checked?",
		"Once the {b} is verified, can the {a} be left out?",
		"Is the {a} still required when the {b} was checked before?",
	},
	{ // a count
		"How many open items at {e} are still missing a {a}?",
		"What number of cases for {e} lack the {a} right now?",
		"Count the {e} files that don't have a {a} yet: how many are there?",
	},
	{ // a consequence
		"What happens if the {a} arrives after the {b} is closed?",
		"If the {b} is already closed, what do we do with a late {a}?",
		"Say a {a} comes in once the {b} has been closed. How is it handled?",
	},
	{ // a summary
		"Summarise the rules that apply to the {a} for {e}.",
		"Give me a short overview of how {e} handles the {a}.",
		"In a few lines, what do the rules say about the {a} at {e}?",
	},
}

// slots are the values a worded question is filled with.
type slots struct{ a, b, e string }

func (g *rng) slots(d domain) slots {
	s := slots{a: g.of(d.nouns), b: g.of(d.nouns), e: g.of(d.entities)}
	for s.b == s.a {
		s.b = g.of(d.nouns)
	}
	return s
}

func (s slots) fill(wording string) string {
	q := strings.NewReplacer("{a}", s.a, "{b}", s.b, "{e}", s.e).Replace(wording)
	return anBefore.ReplaceAllString(q, "${1}an $2")
}

// anBefore finds "a" before a vowel, which English writes "an".
var anBefore = regexp.MustCompile(`(^|\s)[Aa] ([aeiouAEIOU])`)

// twoWordings returns an intent and two different wordings of it.
func (g *rng) twoWordings() (int, string, string) {
	k := g.n(len(intents))
	i := g.n(len(intents[k]))
	j := (i + 1 + g.n(len(intents[k])-1)) % len(intents[k])
	return k, intents[k][i], intents[k][j]
}

// material is what both calls are sent: a desk memo, or a forwarded
// thread, under the size from which unused context counts as bloat.
func (b *builder) material(d domain) string {
	g := b.g
	if g.chance(0.5) {
		return fmt.Sprintf("Desk memo %s (%s):\n\n%s", strings.ToUpper(g.hex(5)), d.name, g.text(d, g.between(500, 900), false))
	}
	return fmt.Sprintf("Forwarded from %s:\n\n%s", g.of([]string{"the regional lead", "our auditor", "the night shift", "a colleague in finance"}), g.text(d, g.between(500, 900), false))
}

// excerpts are knowledge-base snippets, each of which the answer uses.
func (b *builder) excerpts(d domain) []string {
	g := b.g
	var out []string
	for i := 0; i < 3; i++ {
		out = append(out, fmt.Sprintf("Excerpt %c: %s", 'A'+rune(i), g.text(d, g.between(250, 380), false)))
	}
	return out
}

// asking is one scenario's shared setting: the instructions, the material
// and who asks.
type asking struct {
	pm      [2]string
	system  string
	context []string
	agents  [2]string
	cite    func() string
}

// ask sends the setting's material with question q from agent, gap after
// the previous call.
func (b *builder) ask(s asking, agent, q string, gap time.Duration) (int, pricing.USD) {
	parts := append(append([]string(nil), s.context...), q)
	return b.add(call{agent: agent, provider: s.pm[0], model: s.pm[1], system: s.system, msgs: []message{user(parts...)}, output: s.cite(), gap: gap})
}

// pair asks q1 then q2 in the setting, the second from the second agent a
// few seconds to a minute later, sometimes after an unrelated call.
func (b *builder) pair(s asking, q1, q2 string) ([]int, pricing.USD) {
	g := b.g
	n1, _ := b.ask(s, s.agents[0], q1, 0)
	if g.chance(0.4) {
		d := g.domain()
		b.add(call{agent: "dispatcher", provider: "openai", model: "gpt-4o-mini", system: "Pick the next crew member for the task.",
			msgs: []message{user(g.slots(d).fill(g.of(intents[g.n(len(intents))])))}, output: g.chatter(d)})
	}
	n2, cost := b.ask(s, s.agents[1], q2, time.Duration(g.between(3, 60))*time.Second)
	return []int{n1, n2}, cost
}

// memoSetting is a memo or thread asked about by one agent or two that
// share their instructions.
func (b *builder) memoSetting(d domain, agents [2]string) asking {
	g := b.g
	ctx := b.material(d)
	return asking{pm: b.answerer(), context: []string{ctx}, agents: agents,
		system: fmt.Sprintf("You support the %s crew. Answer from the material in the message and say when it does not cover the question.", d.name),
		cite:   func() string { return g.cite(ctx, 2) }}
}

func semanticLabel(ns []int, waste pricing.USD) []corpus.Label {
	l := lbl(run.Redundant, waste, ns...)
	l.Semantic = true
	return []corpus.Label{l}
}

func paraphraseSameAgent(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	agent := g.of([]string{"analyst", "case-worker", "assistant"})
	s := b.memoSetting(d, [2]string{agent, agent})
	sl := g.slots(d)
	_, w1, w2 := g.twoWordings()
	return semanticLabel(b.pair(s, sl.fill(w1), sl.fill(w2)))
}

func paraphraseOtherAgent(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	agents := [][2]string{{"researcher", "writer"}, {"planner", "executor"}, {"triage", "specialist"}}[g.n(3)]
	s := b.memoSetting(d, agents)
	sl := g.slots(d)
	_, w1, w2 := g.twoWordings()
	return semanticLabel(b.pair(s, sl.fill(w1), sl.fill(w2)))
}

func paraphraseOverExcerpts(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	ex := b.excerpts(d)
	agents := [2]string{"kb-answerer", "kb-answerer"}
	if g.chance(0.5) {
		agents[1] = "kb-reviewer"
	}
	s := asking{pm: b.answerer(), context: []string{"Knowledge base excerpts:\n\n" + strings.Join(ex, "\n\n")}, agents: agents,
		system: "Use the knowledge-base excerpts to answer and name the excerpt each point comes from.",
		cite: func() string {
			var cs []string
			for i, e := range ex {
				cs = append(cs, g.cite(e, 1)+fmt.Sprintf(" (excerpt %c)", 'A'+rune(i)))
			}
			return strings.Join(cs, " ")
		}}
	sl := g.slots(d)
	_, w1, w2 := g.twoWordings()
	return semanticLabel(b.pair(s, sl.fill(w1), sl.fill(w2)))
}

// poolOtherValues asks one wording twice with another noun or named thing:
// another question.
func poolOtherValues(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	s := b.memoSetting(d, [2]string{"analyst", g.of([]string{"analyst", "reviewer"})})
	k := g.n(len(intents))
	w := intents[k][g.n(len(intents[k]))]
	s1 := g.slots(d)
	s2 := s1
	for s2.fill(w) == s1.fill(w) {
		if strings.Contains(w, "{e}") && g.chance(0.5) {
			s2.e = g.of(d.entities)
		} else if s2.a = g.of(d.nouns); s2.a == s2.b {
			s2.a = s1.a
		}
	}
	b.pair(s, s1.fill(w), s2.fill(w))
	return nil
}

// poolOtherIntent asks two different questions about the same things.
func poolOtherIntent(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	s := b.memoSetting(d, [2]string{"analyst", g.of([]string{"analyst", "reviewer"})})
	sl := g.slots(d)
	k1 := g.n(len(intents))
	k2 := (k1 + 1 + g.n(len(intents)-1)) % len(intents)
	b.pair(s, sl.fill(g.of(intents[k1])), sl.fill(g.of(intents[k2])))
	return nil
}
