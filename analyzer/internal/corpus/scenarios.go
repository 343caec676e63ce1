package corpus

import (
	"fmt"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

// scenario adds calls to a run and returns the waste it planted.
type scenario struct {
	name string
	fn   func(b *builder) []Label
}

// planted scenarios each plant one instance of waste.
var planted = []scenario{
	{"redundant_exact", redundantExact},
	{"redundant_near", redundantNear},
	{"overkill_classify", overkill("classify")},
	{"overkill_translate", overkill("translate")},
	{"overkill_extract", overkill("extract")},
	{"bloat_unused_doc", bloatUnused},
	{"bloat_shared_block", bloatShared},
	{"bloat_history", bloatHistory},
	{"cache_no_reads", cacheNoReads},
	{"cache_breaker", cacheBreaker},
	{"retry_length", retryLength},
	{"retry_error", retryError},
	{"loop_tool_error", loop},
}

// fingerprintOnly are the planted scenarios detectable without content.
var fingerprintOnly = []scenario{
	{"redundant_exact", redundantExact},
	{"retry_length", retryLength},
	{"retry_error", retryError},
}

// nearMisses look like waste but are not.
var nearMisses = []scenario{
	{"similar_questions", similarQuestions},
	{"large_context_used", largeContextUsed},
	{"hard_reasoning", hardReasoning},
	{"cached_prefix", cachedPrefix},
	{"rate_limited_retry", rateLimited},
	{"history_used", historyUsed},
	{"short_prefix", shortPrefix},
	{"planner", planner},
}

// expensive and cheap models per provider used by the scenarios.
var (
	expensive = [][2]string{{"openai", "gpt-4o"}, {"anthropic", "claude-opus-4-1"}, {"gcp.gemini", "gemini-2.5-pro"}, {"openai", "gpt-4.1"}}
	cheap     = [][2]string{{"openai", "gpt-4o-mini"}, {"anthropic", "claude-haiku-4-5"}, {"gcp.gemini", "gemini-2.5-flash"}}
)

func label(t run.Type, calls ...int) Label { return Label{Type: t, Calls: calls} }

// answerFrom is an answer that uses doc: a lead sentence and quotes.
func (g *gen) answerFrom(topic, doc string, k int) string {
	return fmt.Sprintf("Based on the %s reference: %s", topic, g.quote(doc, k))
}

func (b *builder) lookup(agent, topic, doc, question, answer string) int {
	return b.add(spec{agent: agent, provider: "openai", model: "gpt-4o-mini",
		system: "You answer questions about internal references. Be brief and cite the reference.",
		input:  []msg{user(doc, question)}, output: answer})
}

// redundantPair asks one question twice, with other work in between;
// reword turns the first question and answer into the second ones.
func (b *builder) redundantPair(docBytes, quotes int, between scenario, agent2 string, reword func(q, ans string) (string, string)) []Label {
	g := b.g
	t := g.topic()
	doc, q := g.document(t, docBytes), g.question(t)
	ans := g.answerFrom(t, doc, quotes)
	i := b.lookup("support", t, doc, q, ans)
	between.fn(b)
	q2, ans2 := reword(q, ans)
	j := b.lookup(agent2, t, doc, q2, ans2)
	return []Label{label(run.Redundant, i, j)}
}

func redundantExact(b *builder) []Label {
	return b.redundantPair(1200, 2, scenario{"planner", planner}, "billing", func(q, ans string) (string, string) { return q, ans })
}

func redundantNear(b *builder) []Label {
	return b.redundantPair(1400, 3, scenario{"similar_questions", similarQuestions}, "escalation", func(q, ans string) (string, string) {
		return "Quick check: " + strings.ToLower(q[:1]) + q[1:] + " Thanks.", ans + " Let me know if you need more."
	})
}

func overkill(task string) func(b *builder) []Label {
	return func(b *builder) []Label {
		g := b.g
		pm := expensive[g.r.IntN(len(expensive))]
		var calls []int
		n := 1 + g.r.IntN(3)
		for k := 0; k < n; k++ {
			t := g.topic()
			ticket := g.prose(t, 300+g.r.IntN(500))
			var sys, out string
			switch task {
			case "classify":
				sys = "Classify the support ticket into one of: billing, shipping, technical, account. Respond with only the label."
				out = g.pick([]string{"billing", "shipping", "technical", "account"})
			case "translate":
				sys = "Translate the customer's message into French. Keep names and numbers unchanged."
				out = g.prose(t, len(ticket)/3)
			default:
				sys = "Extract the order id, the product and the requested action from the message. Return only JSON."
				out = fmt.Sprintf(`{"order_id":"%d","product":"%s","action":"%s"}`, 10000+g.r.IntN(90000), g.pick(topics["catalog"]), g.pick([]string{"refund", "exchange", "repair"}))
			}
			calls = append(calls, b.add(spec{agent: map[string]string{"classify": "classifier", "translate": "translator", "extract": "extractor"}[task], provider: pm[0], model: pm[1], system: sys, input: []msg{user(ticket)}, output: out}))
		}
		return []Label{label(run.Overkill, calls...)}
	}
}

// research adds a researcher call with context blocks and a question.
func (b *builder) research(agent string, blocks []string, topic, answer string) int {
	g := b.g
	parts := append(append([]string{}, blocks...), g.question(topic))
	return b.add(spec{agent: agent, provider: "anthropic", model: "claude-sonnet-4-5",
		system: "You are a research assistant. Answer from the provided references.",
		input:  []msg{user(parts...)}, output: answer})
}

func bloatUnused(b *builder) []Label {
	g := b.g
	t := g.topic()
	used := g.document(t, 1500)
	i := b.research("researcher", []string{g.catalog(3200), used}, t, g.answerFrom(t, used, 3))
	return []Label{label(run.Bloat, i)}
}

func bloatShared(b *builder) []Label {
	g := b.g
	cat := g.catalog(2600 + g.r.IntN(1500))
	var calls []int
	for _, agent := range []string{"planner-agent", "researcher", "reviewer"} {
		t := g.topic()
		used := g.document(t, 1000)
		calls = append(calls, b.research(agent, []string{cat, used}, t, g.answerFrom(t, used, 2)))
	}
	return []Label{label(run.Bloat, calls...)}
}

// conversation adds a multi-turn tool-using chat; use(k) says whether
// turn k's answer still uses the first tool result.
func (b *builder) conversation(agent string, turns int, useFirst bool) []int {
	g := b.g
	var history []msg
	var calls []int
	var first, firstTopic string
	for k := 0; k < turns; k++ {
		t := g.topic()
		size := 900
		if k == 0 {
			size = 3200
		}
		doc := g.document(t, size)
		if k == 0 {
			first, firstTopic = doc, t
		}
		q := g.question(t)
		history = append(history, user(q), assistant(fmt.Sprintf("CALL search(query=%q)", t)), toolResult(fmt.Sprintf("call_%d", k), doc))
		ans := g.answerFrom(t, doc, 2)
		if useFirst && k > 0 {
			ans += " " + g.answerFrom(firstTopic, first, 2)
		}
		calls = append(calls, b.add(spec{agent: agent, provider: "openai", model: "gpt-4.1",
			system: "You are an analyst. Use the search tool, then answer from its results.",
			input:  append([]msg(nil), history...), output: ans}))
		history = append(history, assistant(ans))
	}
	return calls
}

func bloatHistory(b *builder) []Label {
	calls := b.conversation("analyst", 4, false)
	return []Label{label(run.Bloat, calls[1:]...)}
}

// handbook is a long system prompt: instructions plus a reference.
func (g *gen) handbook(topic string) string {
	return g.instructions("policy desk", topic, 700) + "\n\n" + g.document(topic, 5200)
}

// desk adds n calls answering different questions over one system prompt.
func (b *builder) desk(provider, model, system, topic string, n int, cached bool) []int {
	g := b.g
	var calls []int
	prefix := estTokens(system)
	for k := 0; k < n; k++ {
		s := spec{agent: "policy-desk", provider: provider, model: model, system: system,
			input: []msg{user(g.question(topic))}, output: g.answerFrom(topic, system, 2)}
		if cached && k == 0 && provider == "anthropic" {
			s.cacheWrite = prefix
		} else if cached && k > 0 {
			s.cacheRead = prefix
		}
		calls = append(calls, b.add(s))
	}
	return calls
}

func cacheNoReads(b *builder) []Label {
	t := b.g.topic()
	calls := b.desk("anthropic", "claude-sonnet-4-5", b.g.handbook(t), t, 3+b.g.r.IntN(2), false)
	return []Label{label(run.CacheMiss, calls...)}
}

func cacheBreaker(b *builder) []Label {
	g := b.g
	t := g.topic()
	hb := g.handbook(t)
	var calls []int
	for k := 0; k < 3; k++ {
		stamp := b.now.Add(time.Duration(k+1) * 3 * time.Second).Format(time.RFC3339)
		sys := fmt.Sprintf("Current time: %s. Session %s-%s-4%s-8%s-%s.\n%s", stamp, g.hexID(8), g.hexID(4), g.hexID(3), g.hexID(3), g.hexID(12), hb)
		calls = append(calls, b.add(spec{agent: "router", provider: "openai", model: "gpt-4.1", system: sys,
			input: []msg{user(g.question(t))}, output: g.answerFrom(t, hb, 2)}))
	}
	return []Label{label(run.CacheMiss, calls...)}
}

func retryLength(b *builder) []Label {
	g := b.g
	t := g.topic()
	doc := g.document(t, 1500)
	s := spec{agent: "writer", provider: "openai", model: "gpt-4.1",
		system: "You write the weekly newsletter section for the team.",
		input:  []msg{user(doc, "Summarize this reference for the weekly newsletter, in full sentences.")},
		output: g.answerFrom(t, doc, 12), finish: "length"}
	i := b.add(s)
	s.finish, s.output = "", g.answerFrom(t, doc, 8)
	j := b.add(s)
	return []Label{label(run.RetryWaste, i, j)}
}

func retryError(b *builder) []Label {
	g := b.g
	t := g.topic()
	s := spec{agent: "extractor", provider: "openai", model: "gpt-4o-mini",
		system: "Read the message and list every action item with its owner.",
		input:  []msg{user(g.prose(t, 1200))}, output: g.prose(t, 400), errorType: "invalid_json"}
	i := b.add(s)
	s.errorType = ""
	j := b.add(s)
	return []Label{label(run.RetryWaste, i, j)}
}

func loop(b *builder) []Label {
	g := b.g
	path := fmt.Sprintf("/data/%s_%d.csv", g.topic(), 2020+g.r.IntN(6))
	sys := "You are an executor agent. Use the tools to complete the task. Reply with a tool call."
	hist := []msg{user("Load the quarterly figures and compute the totals per region.")}
	call := fmt.Sprintf("CALL read_file(path=%q)", path)
	b.add(spec{agent: "executor", provider: "openai", model: "gpt-4.1-mini", system: sys, input: hist, output: call})
	var calls []int
	for k := 0; k < 3+g.r.IntN(3); k++ {
		hist = append(hist, assistant(call), toolResult(fmt.Sprintf("call_%d", k), "Error: file not found: "+path))
		calls = append(calls, b.add(spec{agent: "executor", provider: "openai", model: "gpt-4.1-mini", system: sys,
			input: append([]msg(nil), hist...), output: call}))
	}
	return []Label{label(run.Loop, calls...)}
}

func similarQuestions(b *builder) []Label {
	g := b.g
	t := g.topic()
	doc := g.document(t, 1400)
	for k := 0; k < 2; k++ {
		b.lookup("support", t, doc, g.question(t), g.prose(t, 250)+" "+g.quote(doc, 1))
	}
	return nil
}

func largeContextUsed(b *builder) []Label {
	g := b.g
	t1, t2 := g.topic(), g.topic()
	d1, d2 := g.document(t1, 2400), g.document(t2, 2400)
	b.research("researcher", []string{d1, d2}, t1, g.answerFrom(t1, d1, 2)+" "+g.answerFrom(t2, d2, 2))
	return nil
}

func hardReasoning(b *builder) []Label {
	g := b.g
	t := g.topic()
	pm := expensive[g.r.IntN(len(expensive))]
	logs := g.document(t, 1500)
	b.add(spec{agent: "architect", provider: pm[0], model: pm[1],
		system: "You are a staff engineer. Think carefully.",
		input:  []msg{user(logs, "Find the root cause of the failure in these notes. Answer in two sentences.")},
		output: g.prose(t, 180), reasoning: 900})
	b.add(spec{agent: "architect", provider: pm[0], model: pm[1],
		system: "You are a staff engineer. Think carefully.",
		input:  []msg{user(logs, "Design a migration plan and explain the trade-offs step by step.")},
		output: g.prose(t, 2400), reasoning: 1500})
	return nil
}

func cachedPrefix(b *builder) []Label {
	t := b.g.topic()
	b.desk("anthropic", "claude-sonnet-4-5", b.g.handbook(t), t, 3, true)
	return nil
}

func rateLimited(b *builder) []Label {
	g := b.g
	t := g.topic()
	s := spec{agent: "summarizer", provider: "openai", model: "gpt-4o-mini",
		system: "Summarize the note in two sentences.", input: []msg{user(g.prose(t, 900))},
		output: g.prose(t, 200), errorType: "rate_limit_exceeded", noUsage: true}
	b.add(s)
	s.errorType, s.noUsage, s.gap = "", false, 5*time.Second
	b.add(s)
	return nil
}

func historyUsed(b *builder) []Label {
	b.conversation("analyst", 3, true)
	return nil
}

func shortPrefix(b *builder) []Label {
	g := b.g
	for k := 0; k < 4; k++ {
		t := g.topic()
		b.add(spec{agent: "triage", provider: "openai", model: "gpt-4o-mini",
			system: "Classify the support ticket into one of: billing, shipping, technical, account. Respond with only the label.",
			input:  []msg{user(g.prose(t, 400))}, output: g.pick([]string{"billing", "shipping", "technical", "account"})})
	}
	return nil
}

func planner(b *builder) []Label {
	g := b.g
	t := g.topic()
	b.add(spec{agent: "planner", provider: "openai", model: "gpt-4o",
		system: "You are the planner. Plan the work for the other agents.",
		input:  []msg{user("Plan the steps to answer the customer's " + t + " request: " + g.sentence(t))},
		output: "1. " + g.sentence(t) + "\n2. " + g.sentence(t) + "\n3. " + g.sentence(t) + "\n" + g.prose(t, 1400)})
	return nil
}
